package dev.herald.sandbox.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The bench's progress on the terminal: a bar redrawn in place for the step under way (with its
 * count of work done and the steps behind it), and a line left behind for each finished step. When
 * the output is not a terminal (CI, a pipe) only the lines are printed.
 */
final class BenchProgress implements AutoCloseable {
  private static final int BAR = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final int steps;
  private final Instant started = Instant.now();
  private final java.util.concurrent.ScheduledExecutorService ticker;
  private volatile int step;
  private volatile String name = "";
  private volatile LongSupplier done = () -> 0;
  private volatile long total = 1;
  private volatile String unit = "";
  private volatile Instant stepStarted = Instant.now();

  BenchProgress(PrintStream out, int steps) {
    this.out = out;
    this.terminal = isTerminal();
    this.steps = steps;
    this.ticker =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bench-progress").factory());
    if (terminal) {
      ticker.scheduleAtFixedRate(this::tick, 0, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Starts a step whose work done {@code done} counts towards {@code total} {@code unit}. */
  synchronized void begin(String stepName, LongSupplier stepDone, long stepTotal, String stepUnit) {
    step++;
    name = stepName;
    done = stepDone;
    total = Math.max(1, stepTotal);
    unit = stepUnit;
    stepStarted = Instant.now();
    if (!terminal) {
      out.printf("[%2d/%d] %s ...%n", step, steps, stepName);
    }
  }

  /** Ends the step under way with a line saying what it found. */
  synchronized void finish(String summary) {
    if (terminal) {
      out.print("\r\033[2K");
    }
    out.printf(
        "[%2d/%d] %-34s %s (%.1f s)%n",
        step,
        steps,
        name,
        summary,
        Duration.between(stepStarted, Instant.now()).toMillis() / 1000.0);
    out.flush();
    name = "";
  }

  private synchronized void tick() {
    if (!name.isEmpty()) {
      long d = Math.min(done.getAsLong(), total);
      int filled = (int) (BAR * d / total);
      long s = Duration.between(started, Instant.now()).toSeconds();
      out.printf(
          "\r\033[2K  [%s%s] step %d/%d %s  %,d/%,d %s  %d:%02d",
          "#".repeat(filled),
          "-".repeat(BAR - filled),
          step,
          steps,
          name,
          d,
          total,
          unit,
          s / 60,
          s % 60);
      out.flush();
    }
  }

  /** A terminal on this side of the output (JDK 22+ can tell; otherwise: a console and not CI). */
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null || System.getenv("CI") != null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
