package dev.herald.testkit.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A database of its own on the machine's Postgres, for one test class or test: created empty by
 * {@link #create(String)}, dropped by {@link #close()}. Its name is {@code herald_<hint>_<random>}
 * (lower case, at most 63 characters), so parallel runs and concurrent engineers never see one
 * another's data.
 *
 * <p>The server is found through the environment: {@code HERALD_TEST_PG_HOST} (default {@code
 * 127.0.0.1}), {@code HERALD_TEST_PG_PORT} ({@code 5432}), {@code HERALD_TEST_PG_USER} ({@code
 * postgres}) and {@code HERALD_TEST_PG_PASSWORD} (none). The user must be allowed to create
 * databases. Administrative statements go through the {@code postgres} database, or {@code test}
 * where {@code postgres} cannot be reached.
 *
 * <p>A database not closed is dropped when the JVM exits normally.
 */
public final class TestDatabase implements AutoCloseable {
  /** Every database made here starts with this. */
  public static final String PREFIX = "herald_";

  /** Postgres' limit on identifiers (NAMEDATALEN - 1). */
  public static final int MAX_NAME_LENGTH = 63;

  private static final List<String> ADMIN_DATABASES = List.of("postgres", "test");
  private static final int RANDOM_LENGTH = 10;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Server server;
  private final String name;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread dropAtExit;

  private TestDatabase(Server server, String name) {
    this.server = server;
    this.name = name;
    this.dropAtExit = Thread.ofPlatform().unstarted(this::dropQuietly);
    Runtime.getRuntime().addShutdownHook(dropAtExit);
  }

  /**
   * Creates a fresh, empty database; {@code hint} (e.g. the test class's simple name) becomes part
   * of its name so that a leftover can be traced to its test.
   */
  public static TestDatabase create(String hint) {
    Server server = Server.fromEnvironment();
    String name = newName(hint);
    SQLException last = null;
    // CREATE DATABASE fails when someone else is connected to template1 at that instant; retry
    for (int attempt = 0; attempt < 5; attempt++) {
      try (Connection admin = server.admin();
          Statement st = admin.createStatement()) {
        st.execute("CREATE DATABASE " + quote(name));
        return new TestDatabase(server, name);
      } catch (SQLException e) {
        last = e;
        if (!"55006".equals(e.getSQLState())) {
          break;
        }
      }
    }
    throw new IllegalStateException("cannot create database " + name + " on " + server, last);
  }

  /**
   * {@code herald_<sanitised hint>_<10 random [a-z0-9]>}: the hint lower-cased, every run of other
   * characters than {@code [a-z0-9]} made one underscore, cut so the whole fits in 63 characters.
   */
  static String newName(String hint) {
    String h = hint == null ? "" : hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    h = h.replaceAll("^_+|_+$", "");
    if (h.isEmpty()) {
      h = "db";
    }
    int room = MAX_NAME_LENGTH - PREFIX.length() - 1 - RANDOM_LENGTH;
    if (h.length() > room) {
      h = h.substring(0, room).replaceAll("_+$", "");
    }
    StringBuilder random = new StringBuilder(RANDOM_LENGTH);
    for (int i = 0; i < RANDOM_LENGTH; i++) {
      random.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return PREFIX + h + "_" + random;
  }

  /** The database's name. */
  public String name() {
    return name;
  }

  /** {@code jdbc:postgresql://<host>:<port>/<name>}. */
  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** The user to connect as. */
  public String user() {
    return server.user();
  }

  /** The password to connect with; empty when the server needs none. */
  public String password() {
    return server.password();
  }

  /** A new connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), server.properties());
  }

  /**
   * Drops the database ({@code DROP DATABASE ... WITH (FORCE)}, which ends connections still open
   * to it). Calling it again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(dropAtExit);
    } catch (IllegalStateException alreadyExiting) {
      // the hook is running or about to; dropping twice is harmless
    }
    try (Connection admin = server.admin();
        Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop database " + name + " on " + server, e);
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + jdbcUrl() + "]";
  }

  private void dropQuietly() {
    if (closed.compareAndSet(false, true)) {
      try (Connection admin = server.admin();
          Statement st = admin.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
      } catch (SQLException ignored) {
        // best effort at exit
      }
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Where the machine's Postgres is and how to log in. */
  private record Server(String host, int port, String user, String password) {
    static Server fromEnvironment() {
      String port = env("HERALD_TEST_PG_PORT", "5432");
      try {
        return new Server(
            env("HERALD_TEST_PG_HOST", "127.0.0.1"),
            Integer.parseInt(port),
            env("HERALD_TEST_PG_USER", "postgres"),
            env("HERALD_TEST_PG_PASSWORD", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("HERALD_TEST_PG_PORT is not a port: " + port, e);
      }
    }

    String jdbcUrl(String database) {
      String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    Properties properties() {
      Properties p = new Properties();
      p.setProperty("user", user);
      if (!password.isEmpty()) {
        p.setProperty("password", password);
      }
      p.setProperty("ApplicationName", "herald-testkit");
      return p;
    }

    /** A connection to an administrative database, for CREATE/DROP DATABASE. */
    Connection admin() throws SQLException {
      List<SQLException> failures = new ArrayList<>();
      for (String database : ADMIN_DATABASES) {
        try {
          return DriverManager.getConnection(jdbcUrl(database), properties());
        } catch (SQLException e) {
          failures.add(e);
        }
      }
      SQLException e = new SQLException("cannot connect to " + ADMIN_DATABASES + " on " + this);
      failures.forEach(e::addSuppressed);
      throw e;
    }

    @Override
    public String toString() {
      return user + "@" + host + ":" + port;
    }

    private static String env(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isBlank() ? fallback : value.strip();
    }
  }
}
