package dev.herald.sandbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.sandbox.net.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivatePostgresTest {
  /** Shared by the tests of this class, so that initdb runs once (≈1 s). */
  @TempDir static Path shared;

  @TempDir Path dir;

  @Test
  void initialisesStartsStopsAndReusesItsDataDirectory() throws Exception {
    Path data = shared.resolve("sandbox/postgres");
    long pid;
    int port;
    Path socketDir;
    try (PrivatePostgres pg = PrivatePostgres.start(data)) {
      pid = pg.pid();
      port = pg.port();
      socketDir = pg.socketDir();
      assertThat(port).isNotEqualTo(5432);
      assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/herald");
      assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), null);
          Statement s = c.createStatement()) {
        assertThat(single(s, "SELECT current_database()")).isEqualTo("herald");
        s.execute("DROP TABLE IF EXISTS kept");
        assertThat(single(s, "SELECT current_user")).isEqualTo("herald");
        assertThat(single(s, "SHOW unix_socket_directories")).isEqualTo(socketDir.toString());
        assertThat(single(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('across restarts')");
      }
      assertThat(Files.list(socketDir).map(p -> p.getFileName().toString()))
          .contains(".s.PGSQL." + port);
    }
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(LoopbackPorts.accepts(port, Duration.ofMillis(200))).isFalse();
    assertThat(socketDir).doesNotExist();
    assertThat(data.resolve("postmaster.pid")).doesNotExist();

    try (PrivatePostgres again = PrivatePostgres.start(data, Map.of("max_connections", "42"));
        Connection c = again.connect();
        Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT v FROM kept")).isEqualTo("across restarts");
      assertThat(single(s, "SHOW max_connections")).isEqualTo("42");
    }
  }

  @Test
  void stopsAServerLeftRunningOnItsDataDirectoryByAnEarlierRun() throws Exception {
    Path data = shared.resolve("sandbox/postgres");
    try (PrivatePostgres pg = PrivatePostgres.start(data)) {
      assertThat(pg.isRunning()).isTrue();
    }
    // What a JVM killed outright leaves behind: a postgres on the data directory that nobody owns.
    Path sockets = Files.createTempDirectory(dir, "s");
    int port = LoopbackPorts.free();
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            PrivatePostgres.binaries().resolve("postgres").toString(),
            "-D",
            data.toAbsolutePath().normalize().toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=" + sockets));
    Process orphan =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("orphan.log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> LoopbackPorts.accepts(port, Duration.ofMillis(200)));

      try (PrivatePostgres pg = PrivatePostgres.start(data);
          Connection c = pg.connect()) {
        assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pg.port()).isNotEqualTo(port);
        assertThat(c.isValid(2)).isTrue();
      }
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void refusesADirectoryThatHoldsSomethingElse() throws Exception {
    Path data = Files.createDirectories(dir.resolve("not-postgres"));
    Files.writeString(data.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> PrivatePostgres.start(data))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("neither empty nor a PostgreSQL data directory");
    assertThat(data.resolve("notes.txt")).hasContent("mine");
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
