package dev.herald.sandbox.postgres;

import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.process.ManagedProcess;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.ServerLog;
import dev.herald.sandbox.process.StopSignal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster for the sandbox, run from the machine's own PostgreSQL binaries in a
 * data directory of its own (e.g. {@code .herald/sandbox/postgres}), on a free port of 127.0.0.1,
 * with its Unix socket in a private temporary directory: it never touches the machine's own
 * PostgreSQL (port 5432, {@code /var/run/postgresql}).
 *
 * <ul>
 *   <li>Binaries: {@code $HERALD_PG_BIN} (or {@code -Dherald.pg.bin}) if set, else the newest
 *       {@code /usr/lib/postgresql/<major>/bin} holding {@code initdb} and {@code postgres}.
 *   <li>The data directory is initialised on first use ({@code initdb}, superuser {@value #USER},
 *       trust authentication, UTF-8, C locale) and reused afterwards; the database {@value
 *       #DATABASE} is created when missing. The server's log is appended to {@code <dataDir>.log}
 *       beside it. {@code initdb} runs with {@code --no-sync} (about a second less on a busy disk):
 *       the sandbox's data can always be made anew, and should a crash right after the first start
 *       ever damage it, removing the directory starts afresh.
 *   <li>PostgreSQL refuses to run as root. When the JVM runs as root, {@code initdb} and {@code
 *       postgres} run under {@code unshare -U}: in a new user namespace without a mapping they run
 *       as {@code nobody}, which is also who the (root-owned) data directory appears to belong to
 *       there, so PostgreSQL's ownership checks pass while the files stay root's.
 *   <li>The server is a {@link ProcessHygiene} child: {@link #close()} asks for a fast shutdown
 *       (SIGINT) and waits for it to exit; the JVM's exit does the same at the latest. A server
 *       left over by a JVM that was killed outright is found by the data directory's {@code
 *       postmaster.pid} and stopped before a new one starts.
 * </ul>
 */
public final class PrivatePostgres implements AutoCloseable {
  /** The database {@link #jdbcUrl()} names, created when missing. */
  public static final String DATABASE = "herald";

  /** The superuser, created by {@code initdb}; no password (trust authentication). */
  public static final String USER = "herald";

  /** Environment variable naming the directory of the PostgreSQL binaries to use. */
  public static final String BIN_ENV = "HERALD_PG_BIN";

  private static final Logger LOG = LoggerFactory.getLogger(PrivatePostgres.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;

  private final Path dataDir;
  private final Path socketDir;
  private final Path logFile;
  private final int port;
  private final ManagedProcess process;
  private boolean closed;

  private PrivatePostgres(
      Path dataDir, Path socketDir, Path logFile, int port, ManagedProcess process) {
    this.dataDir = dataDir;
    this.socketDir = socketDir;
    this.logFile = logFile;
    this.port = port;
    this.process = process;
  }

  /** Starts (initialising it first if needed) the cluster in {@code dataDir}. */
  public static PrivatePostgres start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /**
   * Starts (initialising it first if needed) the cluster in {@code dataDir}, with extra server
   * settings passed as {@code -c name=value} (e.g. {@code max_connections}, {@code fsync}).
   */
  public static PrivatePostgres start(Path dataDir, Map<String, String> settings) {
    return start(dataDir, settings, 0);
  }

  /**
   * As {@link #start(Path, Map)}, on {@code port} when it is not 0: a server restarted on its old
   * port is found again by the clients that knew it.
   */
  public static PrivatePostgres start(Path dataDir, Map<String, String> settings, int fixedPort) {
    Path data = dataDir.toAbsolutePath().normalize();
    Path bin = binaries();
    Path logFile = data.resolveSibling(data.getFileName() + ".log");
    Path socketDir = null;
    try {
      Files.createDirectories(data.getParent());
      stopLeftover(data);
      if (!Files.exists(data.resolve("PG_VERSION"))) {
        initdb(bin, data, logFile);
      } else {
        checkVersion(bin, data);
      }
      socketDir = Files.createTempDirectory("herald-pg-");
      for (int attempt = 1; ; attempt++) {
        int port = fixedPort != 0 ? fixedPort : LoopbackPorts.free();
        long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        ManagedProcess process =
            ProcessHygiene.start(
                "postgres",
                serverCommand(bin, data, socketDir, port, settings, logFile),
                StopSignal.INT,
                STOP_GRACE);
        PrivatePostgres pg = new PrivatePostgres(data, socketDir, logFile, port, process);
        try {
          pg.awaitReady(logOffset);
          pg.createDatabase();
          LOG.info("PostgreSQL ready on 127.0.0.1:{} (data {}, pid {})", port, data, process.pid());
          return pg;
        } catch (PortTakenException e) {
          pg.stopServer();
          if (attempt >= PORT_ATTEMPTS || fixedPort != 0) {
            throw new IllegalStateException(
                "PostgreSQL could not bind a free port after "
                    + attempt
                    + " attempts; see "
                    + logFile);
          }
          LOG.debug("port {} was taken meanwhile; trying another", port);
        } catch (RuntimeException | Error e) {
          pg.close();
          socketDir = null;
          throw e;
        }
      }
    } catch (IOException e) {
      deleteQuietly(socketDir);
      throw new UncheckedIOException("cannot start PostgreSQL in " + data, e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(socketDir);
      throw e;
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/herald}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** The user to connect as ({@value #USER}, a superuser, no password). */
  public String user() {
    return USER;
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The data directory (absolute). */
  public Path dataDir() {
    return dataDir;
  }

  /** The private directory of the server's Unix socket (removed by {@link #close()}). */
  public Path socketDir() {
    return socketDir;
  }

  /** The server's log file ({@code <dataDir>.log}). */
  public Path logFile() {
    return logFile;
  }

  /** The postmaster's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server process is still running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** A new connection to {@value #DATABASE} as {@value #USER}. */
  public Connection connect() throws SQLException {
    return connect(DATABASE);
  }

  /** Stops the server (fast shutdown) and waits for it to exit; removes the socket directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stopServer();
    } finally {
      deleteQuietly(socketDir);
    }
  }

  @Override
  public String toString() {
    return "PrivatePostgres[" + jdbcUrl() + ", " + dataDir + "]";
  }

  private void stopServer() {
    if (!process.stop()) {
      LOG.warn("PostgreSQL (pid {}) had to be killed; it will recover at next start", pid());
    }
  }

  private Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("connectTimeout", "5");
    props.setProperty("ApplicationName", "herald-sandbox");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  private void awaitReady(long logOffset) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        String log = ServerLog.since(logFile, logOffset);
        if (log.contains("Address already in use") || log.contains("could not bind")) {
          throw new PortTakenException();
        }
        throw new IllegalStateException(
            "PostgreSQL exited with "
                + process.process().exitValue()
                + " while starting; its log ("
                + logFile
                + "):\n"
                + log);
      }
      try (Connection c = connect("postgres");
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        last = e; // not accepting connections yet, or still starting up
      }
      pause(Duration.ofMillis(25));
    }
    throw new IllegalStateException(
        "PostgreSQL did not accept connections within "
            + START_TIMEOUT
            + " (last error: "
            + last
            + "); its log ("
            + logFile
            + "):\n"
            + ServerLog.since(logFile, logOffset));
  }

  private void createDatabase() {
    try (Connection c = connect("postgres");
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  /** The directory of the PostgreSQL binaries to use (see the class comment). */
  public static Path binaries() {
    String configured =
        Optional.ofNullable(System.getenv(BIN_ENV))
            .filter(s -> !s.isBlank())
            .orElse(System.getProperty("herald.pg.bin"));
    if (configured != null && !configured.isBlank()) {
      Path bin = Path.of(configured);
      if (!Files.isExecutable(bin.resolve("postgres"))
          || !Files.isExecutable(bin.resolve("initdb"))) {
        throw new IllegalStateException(
            BIN_ENV + "=" + configured + " does not hold executable postgres and initdb");
      }
      return bin;
    }
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> majors = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      return majors
          .map(p -> p.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("postgres"))
                      && Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(PrivatePostgres::majorOf))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no PostgreSQL binaries under "
                          + root
                          + "/*/bin; install PostgreSQL or set "
                          + BIN_ENV));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double majorOf(Path bin) {
    try {
      return Double.parseDouble(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name")) || uid() == 0;
  }

  private static long uid() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return ((Number) uid).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  /** The command prefix that lets PostgreSQL run when we are root (see the class comment). */
  private static List<String> asNonRoot(List<String> command) {
    if (!asRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static void initdb(Path bin, Path data, Path logFile) throws IOException {
    if (Files.isDirectory(data)) {
      try (Stream<Path> entries = Files.list(data)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException(
              data + " is neither empty nor a PostgreSQL data directory");
        }
      }
    }
    LOG.info("initialising a PostgreSQL cluster in {}", data);
    List<String> command =
        asNonRoot(
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions"));
    Process initdb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    try {
      if (!initdb.waitFor(INITDB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessHygiene.terminate(initdb.toHandle(), StopSignal.TERM, Duration.ofSeconds(5));
        throw new IllegalStateException("initdb did not finish within " + INITDB_TIMEOUT);
      }
    } catch (InterruptedException e) {
      ProcessHygiene.terminate(initdb.toHandle(), StopSignal.TERM, Duration.ofSeconds(5));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during initdb");
    }
    if (initdb.exitValue() != 0) {
      throw new IllegalStateException(
          "initdb failed (exit "
              + initdb.exitValue()
              + "); see "
              + logFile
              + ":\n"
              + ServerLog.tail(logFile));
    }
  }

  private static void checkVersion(Path bin, Path data) throws IOException {
    String dataVersion = Files.readString(data.resolve("PG_VERSION")).trim();
    Process version =
        new ProcessBuilder(bin.resolve("postgres").toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\\) (\\d+)").matcher(out);
    if (m.find() && !m.group(1).equals(dataVersion)) {
      throw new IllegalStateException(
          data
              + " was initialised by PostgreSQL "
              + dataVersion
              + " but "
              + bin
              + " is PostgreSQL "
              + m.group(1)
              + ": remove the directory or set "
              + BIN_ENV);
    }
  }

  private static ProcessBuilder serverCommand(
      Path bin, Path data, Path socketDir, int port, Map<String, String> settings, Path logFile) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("listen_addresses", "127.0.0.1");
    all.put("unix_socket_directories", socketDir.toString());
    all.put("unix_socket_permissions", "0700");
    all.putAll(settings);
    List<String> command =
        new ArrayList<>(
            List.of(
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port)));
    all.forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
    return new ProcessBuilder(asNonRoot(command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
  }

  /**
   * Stops a server left running on {@code data} by a JVM that died without its shutdown hooks (its
   * {@code postmaster.pid} names a live postgres whose command line names this directory).
   */
  private static void stopLeftover(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    Optional<ProcessHandle> leftover =
        ProcessHygiene.leftover(pidFile, "postgres", "-D " + data + " ");
    if (leftover.isPresent()) {
      LOG.warn(
          "stopping PostgreSQL (pid {}) left running on {} by an earlier run",
          leftover.get().pid(),
          data);
      ProcessHygiene.terminate(leftover.get(), StopSignal.INT, STOP_GRACE);
    }
    // No postgres runs on this directory now: a postmaster.pid left behind is stale, and if its pid
    // has been recycled by an unrelated process PostgreSQL would refuse to start.
    Files.deleteIfExists(pidFile);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException() {
      super(null, null, false, false);
    }
  }
}
