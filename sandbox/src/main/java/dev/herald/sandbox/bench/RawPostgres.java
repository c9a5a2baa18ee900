package dev.herald.sandbox.bench;

import dev.herald.core.store.Uuids;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The database's own ceiling for Herald's work, with none of Herald's code on the path: in a
 * scratch database holding Herald's schema (its migrations), delivery-shaped rows are inserted
 * {@code pending} in batches of 1,000 and moved through Herald's three state changes — queued,
 * sending, sent — each a conditional, set-based UPDATE of a batch, each batch its own transaction.
 * The figure is rows over the time of their whole life. Beside it, the ceiling of a campaign's
 * writes: the same rows COPYed a page at a time, as the fan-out writes them ({@link
 * #copyRowsPerSecond}).
 */
final class RawPostgres {
  static final String DATABASE = "bench_raw";
  private static final int BATCH = 1_000;

  /** Users per page of a campaign fan-out ({@code CampaignFanOut.DEFAULT_PAGE_SIZE}). */
  static final int PAGE = 1_000;

  private RawPostgres() {}

  /**
   * Rows per second through insert and three updates; {@code progress} gets the rows finished so
   * far.
   */
  static double lifecycleRowsPerSecond(
      String adminJdbcUrl, String user, int port, int rows, LongConsumer progress)
      throws SQLException {
    return inScratchDatabase(adminJdbcUrl, user, port, c -> lifecycle(c, rows, progress));
  }

  /**
   * Rows per second written as a campaign's fan-out writes them, with none of its reading and
   * resolving: delivery-shaped rows ({@code pending}, e-mail, time-ordered ids) COPYed in CSV into
   * the deliveries of Herald's schema — its indexes and its counting triggers — {@value #PAGE} rows
   * a COPY, each COPY its own transaction, one connection; {@code progress} gets the rows written.
   */
  static double copyRowsPerSecond(
      String adminJdbcUrl, String user, int port, int rows, LongConsumer progress)
      throws SQLException {
    return inScratchDatabase(adminJdbcUrl, user, port, c -> copy(c, rows, progress));
  }

  private interface Measurement {
    double run(Connection c) throws SQLException;
  }

  /** Runs {@code m} in a fresh database holding Herald's schema, dropped afterwards. */
  private static double inScratchDatabase(String adminJdbcUrl, String user, int port, Measurement m)
      throws SQLException {
    try (Connection admin = DriverManager.getConnection(adminJdbcUrl, user, "");
        Statement s = admin.createStatement()) {
      s.execute("drop database if exists " + DATABASE);
      s.execute("create database " + DATABASE);
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    Flyway.configure()
        .dataSource(url, user, "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("reWriteBatchedInserts", "true");
    try (Connection c = DriverManager.getConnection(url, props)) {
      try (Statement s = c.createStatement()) {
        s.execute("select herald_ensure_delivery_partitions(1)");
      }
      return m.run(c);
    } finally {
      try (Connection admin = DriverManager.getConnection(adminJdbcUrl, user, "");
          Statement s = admin.createStatement()) {
        s.execute("drop database if exists " + DATABASE);
      }
    }
  }

  private static double copy(Connection c, int rows, LongConsumer progress) throws SQLException {
    String createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    String notification = UUID.randomUUID().toString();
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    c.setAutoCommit(false);
    StringBuilder csv = new StringBuilder(PAGE * 200);
    Instant started = Instant.now();
    long done = 0;
    while (done < rows) {
      int page = (int) Math.min(PAGE, rows - done);
      csv.setLength(0);
      for (int i = 0; i < page; i++) {
        long n = done + i;
        // the columns and quoting of CampaignRunStore's COPY
        csv.append('"')
            .append(Uuids.timeOrdered())
            .append("\",\"")
            .append(createdAt)
            .append("\",\"")
            .append(notification)
            .append("\",\"bench-tenant\",\"c-")
            .append(n)
            .append("\",\"email\",,\"c-")
            .append(n)
            .append("@campaign.bench.example\",\"en-US\",\"2\",\"pending\",,\"")
            .append(createdAt)
            .append("\",\n");
      }
      try {
        long copied =
            copy.copyIn(
                "copy deliveries (id, created_at, notification_id, tenant, user_id, channel, platform, "
                    + "address, locale, priority, state, failure_reason, next_attempt_at, expires_at) "
                    + "from stdin (format csv)",
                new StringReader(csv.toString()));
        if (copied != page) {
          throw new IllegalStateException("COPY wrote " + copied + " of " + page + " rows");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      c.commit();
      done += page;
      progress.accept(done);
    }
    double seconds = Duration.between(started, Instant.now()).toNanos() / 1e9;
    return rows / seconds;
  }

  private static double lifecycle(Connection c, int rows, LongConsumer progress)
      throws SQLException {
    Timestamp createdAt = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
    UUID notification = UUID.randomUUID();
    List<UUID[]> batches = new ArrayList<>();
    for (int from = 0; from < rows; from += BATCH) {
      UUID[] ids = new UUID[Math.min(BATCH, rows - from)];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = UUID.randomUUID();
      }
      batches.add(ids);
    }
    Instant started = Instant.now();
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into deliveries (id, created_at, notification_id, "
                + "tenant, user_id, channel, address, locale, priority, state, next_attempt_at) "
                + "values (?, ?, ?, 'bench-tenant', ?, 'email', ?, 'en-US', 2, 'pending', now())")) {
      int n = 0;
      for (UUID[] batch : batches) {
        for (UUID id : batch) {
          insert.setObject(1, id);
          insert.setTimestamp(2, createdAt);
          insert.setObject(3, notification);
          insert.setString(4, "user-" + n);
          insert.setString(5, "recipient-" + n++ + "@customers.bench.example");
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    String[] changes = {
      "update deliveries set state = 'queued', publications = publications + 1, stream_seq = 1, updated_at = now() "
          + "where created_at = ? and id = any(?) and state = 'pending'",
      "update deliveries set state = 'sending', attempts = attempts + 1, provider = 'sendgrid', updated_at = now() "
          + "where created_at = ? and id = any(?) and state = 'queued'",
      "update deliveries set state = 'sent', provider_message_id = id::text, sent_at = now(), updated_at = now() "
          + "where created_at = ? and id = any(?) and state = 'sending'"
    };
    long done = 0;
    for (UUID[] batch : batches) {
      Array ids = c.createArrayOf("uuid", batch);
      for (String change : changes) {
        try (PreparedStatement update = c.prepareStatement(change)) {
          update.setTimestamp(1, createdAt);
          update.setArray(2, ids);
          update.executeUpdate();
        }
      }
      done += batch.length;
      progress.accept(done);
    }
    double seconds = Duration.between(started, Instant.now()).toNanos() / 1e9;
    return rows / seconds;
  }
}
