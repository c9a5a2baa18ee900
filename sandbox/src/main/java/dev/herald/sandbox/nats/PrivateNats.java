package dev.herald.sandbox.nats;

import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.process.ManagedProcess;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.ServerLog;
import dev.herald.sandbox.process.StopSignal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private {@code nats-server} with JetStream for the sandbox: {@code nats-server -a 127.0.0.1 -p
 * <free port> -js -sd <storeDir>} (and {@code -m <free port>} for the monitoring endpoint when
 * asked), never the machine's own server on 4222.
 *
 * <ul>
 *   <li>Binary: {@code $HERALD_NATS_SERVER} (or {@code -Dherald.nats.server}) if set, else {@code
 *       /usr/sbin/nats-server}, else {@code nats-server} on the {@code PATH}.
 *   <li>Ready when a client connection is greeted with the server's {@code INFO} and it reports
 *       JetStream enabled.
 *   <li>Its log goes to {@code <storeDir>.log} and its pid to {@code <storeDir>.pid} beside the
 *       store directory; a server left running on the same store by a JVM killed outright is
 *       stopped before a new one starts.
 *   <li>The server is a {@link ProcessHygiene} child: {@link #close()} stops it (SIGTERM, a clean
 *       shutdown) and waits for it to exit; the JVM's exit does the same at the latest.
 * </ul>
 */
public final class PrivateNats implements AutoCloseable {
  /** Environment variable naming the nats-server binary to use. */
  public static final String BINARY_ENV = "HERALD_NATS_SERVER";

  private static final Logger LOG = LoggerFactory.getLogger(PrivateNats.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int PORT_ATTEMPTS = 5;
  private static final Pattern JETSTREAM = Pattern.compile("\"jetstream\"\\s*:\\s*true");

  private final Path storeDir;
  private final Path logFile;
  private final int port;
  private final int monitoringPort;
  private final ManagedProcess process;
  private boolean closed;

  private PrivateNats(
      Path storeDir, Path logFile, int port, int monitoringPort, ManagedProcess process) {
    this.storeDir = storeDir;
    this.logFile = logFile;
    this.port = port;
    this.monitoringPort = monitoringPort;
    this.process = process;
  }

  /** Starts a server whose JetStream store is {@code storeDir} (created when missing). */
  public static PrivateNats start(Path storeDir) {
    return start(storeDir, false);
  }

  /**
   * Starts a server whose JetStream store is {@code storeDir}, with the HTTP monitoring endpoint
   * ({@code /varz}, {@code /jsz}, {@code /healthz}) on a free port when {@code monitoring}.
   */
  public static PrivateNats start(Path storeDir, boolean monitoring) {
    return start(storeDir, monitoring, 0);
  }

  /**
   * As {@link #start(Path, boolean)}, on {@code port} when it is not 0: a server restarted on its
   * old port is found again by the clients that knew it.
   */
  public static PrivateNats start(Path storeDir, boolean monitoring, int fixedPort) {
    return start(storeDir, monitoring, fixedPort, List.of());
  }

  /**
   * A node of a JetStream cluster on loopback: named {@code name}, on client port {@code port} and
   * route port {@code routePort}, routing to every port of {@code routePorts} (itself included is
   * fine). Restarted with the same arguments and store, it rejoins with what it had.
   */
  public static PrivateNats startClusterNode(
      Path storeDir,
      String name,
      String cluster,
      int port,
      int routePort,
      List<Integer> routePorts) {
    String routes =
        String.join(",", routePorts.stream().map(p -> "nats://127.0.0.1:" + p).toList());
    return start(
        storeDir,
        false,
        port,
        List.of(
            "--name",
            name,
            "--cluster_name",
            cluster,
            "--cluster",
            "nats://127.0.0.1:" + routePort,
            "--routes",
            routes));
  }

  private static PrivateNats start(
      Path storeDir, boolean monitoring, int fixedPort, List<String> extraArgs) {
    Path store = storeDir.toAbsolutePath().normalize();
    Path logFile = store.resolveSibling(store.getFileName() + ".log");
    Path pidFile = store.resolveSibling(store.getFileName() + ".pid");
    String binary = binary();
    try {
      Files.createDirectories(store);
      stopLeftover(pidFile, store);
      for (int attempt = 1; ; attempt++) {
        int port = fixedPort != 0 ? fixedPort : LoopbackPorts.free();
        int monitoringPort = monitoring ? LoopbackPorts.free() : -1;
        List<String> command =
            new ArrayList<>(
                List.of(
                    binary,
                    "-a",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-js",
                    "-sd",
                    store.toString(),
                    "-P",
                    pidFile.toString()));
        if (monitoring) {
          command.addAll(List.of("-m", Integer.toString(monitoringPort)));
        }
        command.addAll(extraArgs);
        long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        ManagedProcess process =
            ProcessHygiene.start(
                "nats-server",
                new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())),
                StopSignal.TERM,
                STOP_GRACE);
        PrivateNats nats = new PrivateNats(store, logFile, port, monitoringPort, process);
        try {
          nats.awaitReady(logOffset);
          LOG.info("nats-server ready on {} (store {}, pid {})", nats.url(), store, process.pid());
          return nats;
        } catch (PortTakenException e) {
          process.stop();
          if (attempt >= PORT_ATTEMPTS || fixedPort != 0) {
            throw new IllegalStateException(
                "nats-server could not bind a free port after "
                    + attempt
                    + " attempts; see "
                    + logFile);
          }
        } catch (RuntimeException | Error e) {
          nats.close();
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nats-server on " + store, e);
    }
  }

  /** {@code nats://127.0.0.1:<port>}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The monitoring port, when started with monitoring. */
  public OptionalInt monitoringPort() {
    return monitoringPort > 0 ? OptionalInt.of(monitoringPort) : OptionalInt.empty();
  }

  /** {@code http://127.0.0.1:<monitoring port>}, when started with monitoring. */
  public Optional<String> monitoringUrl() {
    return monitoringPort > 0
        ? Optional.of("http://127.0.0.1:" + monitoringPort)
        : Optional.empty();
  }

  /** The JetStream store directory (absolute). */
  public Path storeDir() {
    return storeDir;
  }

  /** The server's log file ({@code <storeDir>.log}). */
  public Path logFile() {
    return logFile;
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server process is still running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!process.stop()) {
      LOG.warn("nats-server (pid {}) had to be killed", process.pid());
    }
  }

  @Override
  public String toString() {
    return "PrivateNats[" + url() + ", " + storeDir + "]";
  }

  private void awaitReady(long logOffset) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        String log = ServerLog.since(logFile, logOffset);
        if (log.contains("address already in use")) {
          throw new PortTakenException();
        }
        throw new IllegalStateException(
            "nats-server exited with "
                + process.process().exitValue()
                + " while starting; its log ("
                + logFile
                + "):\n"
                + log);
      }
      Optional<String> info = info();
      if (info.isPresent()) {
        if (JETSTREAM.matcher(info.get()).find()) {
          return;
        }
        last = "INFO without JetStream: " + info.get();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for nats-server", e);
      }
    }
    throw new IllegalStateException(
        "nats-server was not ready within "
            + START_TIMEOUT
            + " ("
            + last
            + "); its log ("
            + logFile
            + "):\n"
            + ServerLog.since(logFile, logOffset));
  }

  /** The server's greeting on a fresh connection, if it answers with one. */
  private Optional<String> info() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LoopbackPorts.LOOPBACK, port), 1000);
      socket.setSoTimeout(1000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return line != null && line.startsWith("INFO ") ? Optional.of(line) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The nats-server binary to run (see the class comment). */
  public static String binary() {
    String configured =
        Optional.ofNullable(System.getenv(BINARY_ENV))
            .filter(s -> !s.isBlank())
            .orElse(System.getProperty("herald.nats.server"));
    if (configured != null && !configured.isBlank()) {
      if (!Files.isExecutable(Path.of(configured))) {
        throw new IllegalStateException(BINARY_ENV + "=" + configured + " is not executable");
      }
      return configured;
    }
    Path sbin = Path.of("/usr/sbin/nats-server");
    if (Files.isExecutable(sbin)) {
      return sbin.toString();
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
        return Path.of(dir, "nats-server").toString();
      }
    }
    throw new IllegalStateException(
        "no nats-server in /usr/sbin or on the PATH; install it or set " + BINARY_ENV);
  }

  private static void stopLeftover(Path pidFile, Path store) throws IOException {
    Optional<ProcessHandle> leftover =
        ProcessHygiene.leftover(pidFile, "nats-server", "-sd " + store + " ");
    if (leftover.isPresent()) {
      LOG.warn(
          "stopping nats-server (pid {}) left running on {} by an earlier run",
          leftover.get().pid(),
          store);
      ProcessHygiene.terminate(leftover.get(), StopSignal.TERM, STOP_GRACE);
    }
    Files.deleteIfExists(pidFile);
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException() {
      super(null, null, false, false);
    }
  }
}
