package dev.herald.sandbox.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Postgres's side of the profile: the statements Herald ran during the measured drains, by the time
 * Postgres spent executing them, from {@code pg_stat_statements} (loaded into the bench's private
 * server).
 */
final class PgStatements {
  /** What the private server needs to count statements. */
  static final Map<String, String> SERVER_SETTINGS =
      Map.of(
          "shared_preload_libraries", "pg_stat_statements",
          "pg_stat_statements.track", "top",
          "pg_stat_statements.max", "1000");

  /** One normalised statement: how often it ran, the time spent in it, the rows it touched. */
  record Entry(String query, long calls, double totalMs, double meanMs, long rows) {}

  private PgStatements() {}

  /**
   * Creates the extension in Herald's database (idempotent) and forgets what was counted so far.
   */
  static void reset(String jdbcUrl, String user) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        Statement s = c.createStatement()) {
      s.execute("create extension if not exists pg_stat_statements");
      s.execute("select pg_stat_statements_reset()");
    }
  }

  /**
   * The {@code limit} statements of Herald's database that took the most execution time since
   * {@link #reset}.
   */
  static List<Entry> top(String jdbcUrl, String user, int limit) throws SQLException {
    List<Entry> top = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
            select query, calls, total_exec_time, mean_exec_time, rows from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database())
              and query not ilike '%pg_stat_statements%'
            order by total_exec_time desc
            """
                    + " limit "
                    + limit)) {
      while (rs.next()) {
        top.add(
            new Entry(
                rs.getString(1).replaceAll("\\s+", " ").trim(),
                rs.getLong(2),
                rs.getDouble(3),
                rs.getDouble(4),
                rs.getLong(5)));
      }
    }
    return top;
  }
}
