package dev.herald.sandbox.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A child process registered with {@link ProcessHygiene}: stopped by {@link #stop()} or, at the
 * latest, when the JVM exits.
 */
public final class ManagedProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final StopSignal stopSignal;
  private final Duration grace;
  private boolean stopped;
  private boolean stoppedPolitely;

  ManagedProcess(String name, Process process, StopSignal stopSignal, Duration grace) {
    this.name = name;
    this.process = process;
    this.stopSignal = stopSignal;
    this.grace = grace;
  }

  /** What the process is, as given to {@link ProcessHygiene#start}. */
  public String name() {
    return name;
  }

  /** The process itself (its streams, exit value). */
  public Process process() {
    return process;
  }

  /** Its process id (the command's own: the wrappers replace themselves). */
  public long pid() {
    return process.pid();
  }

  /** Whether it is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes when it exits. */
  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** The signal {@link #stop()} sends. */
  public StopSignal stopSignal() {
    return stopSignal;
  }

  /**
   * Stops the process and its descendants (see {@link ProcessHygiene#terminate}) and waits for them
   * to exit. Idempotent.
   *
   * @return whether it stopped on its polite signal within its grace period
   */
  public synchronized boolean stop() {
    if (!stopped) {
      try {
        stoppedPolitely = ProcessHygiene.terminate(process.toHandle(), stopSignal, grace);
      } finally {
        stopped = true;
        ProcessHygiene.deregister(this);
      }
    }
    return stoppedPolitely;
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + (isAlive() ? "" : ", exited") + ")";
  }
}
