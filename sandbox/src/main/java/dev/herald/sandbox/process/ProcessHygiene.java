package dev.herald.sandbox.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts the sandbox's child processes (PostgreSQL, nats-server, operator and
 * dispatcher JVMs) and makes sure none of them outlives the JVM that started it.
 *
 * <ul>
 *   <li>Every process started here is registered; a JVM shutdown hook (Ctrl-C, SIGTERM, {@code
 *       System.exit}, end of {@code main}) first runs the {@link #addShutdownAction shutdown
 *       actions} (stop what uses the servers), then stops the processes still registered, newest
 *       first, each with its own polite {@link StopSignal} and grace period, then kills whatever is
 *       left of it and of its descendants ({@link ProcessHandle#descendants()}, snapshotted before
 *       the signal because orphans are re-parented away from the tree).
 *   <li>Where util-linux's {@code setsid} is available, each child runs in a session of its own, so
 *       that a Ctrl-C in the terminal reaches the JVM only and the shutdown hook decides the order
 *       (dispatchers before the database they write to).
 *   <li>Where {@code setpriv --pdeathsig} is available (Linux), each child also gets a parent-death
 *       signal, so that it is stopped even when the JVM dies without running its hooks ({@code kill
 *       -9}, OOM killer). The signal is tied to the <em>thread</em> that forked the child, so every
 *       child is started from one long-lived launcher thread.
 * </ul>
 *
 * <p>Set {@code -Dherald.process.setsid=false} or {@code -Dherald.process.pdeathsig=false} to turn
 * either wrapper off.
 */
public final class ProcessHygiene {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessHygiene.class);

  /** How long a forced kill may take to be reaped before we give up waiting. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private static final Map<Long, ManagedProcess> LIVE = new LinkedHashMap<>();
  private static final List<Runnable> SHUTDOWN_ACTIONS = new ArrayList<>();
  private static final ExecutorService LAUNCHER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "herald-process-launcher");
            t.setDaemon(true);
            return t;
          });
  private static boolean hookInstalled;
  private static volatile Boolean pdeathsigSupported;
  private static volatile Boolean setsidSupported;

  private ProcessHygiene() {}

  /**
   * Starts {@code builder}'s command as a registered child process. The builder's directory,
   * environment and redirects are kept; its command is wrapped (see the class comment) but the
   * process id is still the command's own, as each wrapper replaces itself with the next program.
   *
   * @param name what the process is, for logs ("postgres", "nats-server", "dispatcher-2")
   * @param stopSignal the signal that asks it to stop
   * @param grace how long it may take to stop before it and its descendants are killed
   */
  public static ManagedProcess start(
      String name, ProcessBuilder builder, StopSignal stopSignal, Duration grace)
      throws IOException {
    ProcessBuilder wrapped =
        new ProcessBuilder(wrap(builder.command(), stopSignal))
            .directory(builder.directory())
            .redirectInput(builder.redirectInput())
            .redirectOutput(builder.redirectOutput())
            .redirectError(builder.redirectError())
            .redirectErrorStream(builder.redirectErrorStream());
    wrapped.environment().clear();
    wrapped.environment().putAll(builder.environment());
    Process process;
    try {
      process = LAUNCHER.submit(wrapped::start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while starting " + name);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + name + ": " + e.getCause(), e.getCause());
    }
    ManagedProcess managed = new ManagedProcess(name, process, stopSignal, grace);
    register(managed);
    LOG.debug("started {} (pid {}): {}", name, process.pid(), wrapped.command());
    return managed;
  }

  /**
   * Registers a process started elsewhere, so that it is stopped with the JVM too (without the
   * parent-death signal, which only {@link #start} can give).
   */
  public static ManagedProcess adopt(
      String name, Process process, StopSignal stopSignal, Duration grace) {
    ManagedProcess managed = new ManagedProcess(name, process, stopSignal, grace);
    register(managed);
    return managed;
  }

  /**
   * Runs {@code action} in this class's shutdown hook <em>before</em> any registered process is
   * stopped (actions run newest first). The JVM runs its shutdown hooks all at once, in no order:
   * an application that must stop what uses the servers (operator, dispatchers) before the servers
   * themselves registers that here instead of adding a hook of its own.
   */
  public static void addShutdownAction(Runnable action) {
    synchronized (LIVE) {
      installHook();
      SHUTDOWN_ACTIONS.add(action);
    }
  }

  /** The processes started or adopted here that have not been stopped yet, oldest first. */
  public static List<ManagedProcess> live() {
    synchronized (LIVE) {
      return List.copyOf(LIVE.values());
    }
  }

  /**
   * Stops every registered process, newest first: what the shutdown hook does. Safe to call more
   * than once.
   */
  public static void stopAll() {
    List<ManagedProcess> all = new ArrayList<>(live());
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).stop();
      } catch (RuntimeException e) {
        LOG.warn("could not stop {}: {}", all.get(i).name(), e.toString());
      }
    }
  }

  /**
   * Sends {@code signal} to {@code pid} (no-op when it is gone). SIGTERM and SIGKILL go through
   * {@link ProcessHandle}; the others through {@code kill(1)}.
   */
  public static void signal(long pid, StopSignal signal) {
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle == null || !handle.isAlive()) {
      return;
    }
    switch (signal) {
      case TERM -> handle.destroy();
      case KILL -> handle.destroyForcibly();
      default -> {
        try {
          Process kill =
              new ProcessBuilder("kill", "-" + signal.number(), Long.toString(pid))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
          if (!kill.waitFor(5, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot send SIG" + signal + " to " + pid, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Stops a process and everything it started: sends {@code signal}, waits up to {@code grace} for
   * the process to exit, then kills (SIGKILL) whatever is left of it and of its descendants.
   *
   * @return whether the process exited on the polite signal within the grace period
   */
  public static boolean terminate(ProcessHandle handle, StopSignal signal, Duration grace) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    handle.descendants().forEach(tree::add);
    boolean polite = true;
    if (handle.isAlive()) {
      signal(handle.pid(), signal);
      polite = awaitExit(handle, grace);
    }
    handle.descendants().forEach(tree::add);
    List<ProcessHandle> killed = new ArrayList<>();
    if (handle.isAlive()) {
      LOG.warn("pid {} did not stop on SIG{} within {}; killing it", handle.pid(), signal, grace);
      handle.destroyForcibly();
      killed.add(handle);
    }
    for (ProcessHandle child : tree) {
      // ProcessHandle remembers each process's start time, so a recycled pid is never hit
      if (child.isAlive() && child.destroyForcibly()) {
        killed.add(child);
      }
    }
    for (ProcessHandle h : killed) {
      awaitExit(h, KILL_WAIT);
    }
    return polite;
  }

  /**
   * Finds a process left over by an earlier JVM that was killed without running its hooks, from the
   * pid written in {@code pidFile}, if it is still alive and its command line contains every one of
   * {@code mustContain} (so a recycled pid is never taken for it).
   */
  public static Optional<ProcessHandle> leftover(Path pidFile, String... mustContain) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      long pid = Long.parseLong(first);
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              h -> {
                String cmd = commandLine(h);
                for (String s : mustContain) {
                  if (!cmd.contains(s)) {
                    return false;
                  }
                }
                return true;
              });
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The command line of a process, from /proc where possible (works across user namespaces). */
  static String commandLine(ProcessHandle h) {
    Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    try {
      if (Files.isReadable(cmdline)) {
        return new String(Files.readAllBytes(cmdline)).replace('\0', ' ').trim();
      }
    } catch (IOException e) {
      // fall through
    }
    return h.info().commandLine().orElse("");
  }

  static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    } catch (ExecutionException e) {
      return !handle.isAlive();
    }
  }

  static void deregister(ManagedProcess managed) {
    synchronized (LIVE) {
      LIVE.remove(managed.pid(), managed);
    }
  }

  private static void register(ManagedProcess managed) {
    synchronized (LIVE) {
      installHook();
      LIVE.put(managed.pid(), managed);
    }
  }

  private static void installHook() {
    if (!hookInstalled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ProcessHygiene::onShutdown, "herald-process-hygiene"));
      hookInstalled = true;
    }
  }

  private static void onShutdown() {
    List<Runnable> actions;
    synchronized (LIVE) {
      actions = new ArrayList<>(SHUTDOWN_ACTIONS);
    }
    for (int i = actions.size() - 1; i >= 0; i--) {
      try {
        actions.get(i).run();
      } catch (RuntimeException e) {
        LOG.warn("a shutdown action failed: {}", e.toString());
      }
    }
    stopAll();
  }

  private static List<String> wrap(List<String> command, StopSignal stopSignal) {
    List<String> wrapped = new ArrayList<>();
    if (setsidSupported()) {
      wrapped.add("setsid");
    }
    if (pdeathsigSupported()) {
      wrapped.addAll(List.of("setpriv", "--pdeathsig", stopSignal.name(), "--"));
    }
    wrapped.addAll(command);
    return wrapped;
  }

  /** Whether children get a parent-death signal ({@code setpriv --pdeathsig}). */
  public static boolean pdeathsigSupported() {
    Boolean supported = pdeathsigSupported;
    if (supported == null) {
      supported =
          Boolean.parseBoolean(System.getProperty("herald.process.pdeathsig", "true"))
              && runsCleanly("setpriv", "--pdeathsig", "TERM", "--", "true");
      pdeathsigSupported = supported;
    }
    return supported;
  }

  /** Whether children run in a session of their own ({@code setsid}). */
  public static boolean setsidSupported() {
    Boolean supported = setsidSupported;
    if (supported == null) {
      supported =
          Boolean.parseBoolean(System.getProperty("herald.process.setsid", "true"))
              && runsCleanly("setsid", "true");
      setsidSupported = supported;
    }
    return supported;
  }

  private static boolean runsCleanly(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
