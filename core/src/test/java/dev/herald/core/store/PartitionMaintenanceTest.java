package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Daily delivery partitions against the machine's Postgres: created ahead and on demand, pruned
 * after retention without holding up the writers of deliveries, never while they hold unfinished
 * work. Each test has a database of its own, since they drop and detach partitions.
 */
class PartitionMaintenanceTest {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private TestDatabase testDb;
  private Database db;
  private NotificationStore notifications;

  @BeforeEach
  void open() {
    testDb = TestDatabase.create("partitions");
  }

  private void migrate() {
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4),
            "partitions-test");
    notifications = new NotificationStore(db.jdbi());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
    testDb.close();
  }

  @Test
  void pruningAnOldDayDoesNotHoldUpWritersOfDeliveries() throws Exception {
    migrate();
    Instant old = day(-40).plus(Duration.ofHours(3));
    createPartition(old);
    UUID oldNotification = storedNotification("t", "old-1", old, "sent", "delivered");
    NotificationRecord live =
        notifications.accept(notification("t", "live-1"), two()).notification();
    // A day still to create, so that maintenance also adds a partition while the reader runs.
    sql(
        "alter table deliveries detach partition "
            + partitionName(day(7))
            + "; drop table "
            + partitionName(day(7)));

    CompletableFuture<Void> maintenance;
    try (Connection reader = testDb.connect()) {
      // A long transaction that has read deliveries (a report, a slow batch): it holds a share lock
      // on the table and every partition until it ends.
      reader.setAutoCommit(false);
      try (Statement st = reader.createStatement();
          ResultSet rs = st.executeQuery("select count(*) from deliveries")) {
        rs.next();
      }
      maintenance =
          CompletableFuture.runAsync(() -> new PartitionMaintenance(db.jdbi(), 7, 30).run());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sessionsWaitingForLocks() > 0 || maintenance.isDone());

      // Writers wait at most 5 s for a lock; waiting behind maintenance would fail them.
      Jdbi writer =
          Jdbi.create(
                  () -> {
                    Connection c = testDb.connect();
                    try (Statement st = c.createStatement()) {
                      st.execute("set lock_timeout = '5s'");
                    }
                    return c;
                  })
              .installPlugin(new PostgresPlugin());
      NotificationRecord accepted =
          new NotificationStore(writer).accept(notification("t", "live-2"), two()).notification();
      int moved =
          writer.withHandle(
              h ->
                  h.createUpdate(
                          """
              update deliveries set state = 'queued', updated_at = now()
              where notification_id = :id and created_at = :createdAt and state = 'pending'""")
                      .bind("id", live.id())
                      .bind("createdAt", NotificationStore.ts(live.createdAt()))
                      .execute());

      assertThat(moved).as("deliveries of live-1 moved on during maintenance").isEqualTo(2);
      assertThat(notifications.counts(accepted).total()).isEqualTo(2);
      assertThat(maintenance).as("maintenance still waits for the reader to end").isNotDone();
      reader.commit();
    }
    maintenance.get(30, TimeUnit.SECONDS);

    assertThat(partitionExists(old)).as("the 40-day-old partition").isFalse();
    assertThat(count("select count(*) from notifications where id = '" + oldNotification + "'"))
        .isZero();
    assertThat(partitionExists(day(7))).as("the partition a week ahead").isTrue();
    assertThat(notifications.counts(live).total()).isEqualTo(2);
  }

  @Test
  void anOldPartitionStillHoldingUnfinishedDeliveriesIsKept() {
    migrate();
    Instant unfinishedDay = day(-40).plus(Duration.ofHours(1));
    Instant finishedDay = day(-41).plus(Duration.ofHours(1));
    createPartition(unfinishedDay);
    createPartition(finishedDay);
    UUID unfinished =
        storedNotification("t", "scheduled-long-ago", unfinishedDay, "queued", "sent");
    UUID finished =
        storedNotification("t", "done-long-ago", finishedDay, "sent", "failed", "suppressed");
    // More notifications on the finished day than one delete statement takes.
    sql(
        """
        insert into notifications (id, tenant, source, source_ref, template, category, priority, channels, content, created_at)
        select gen_random_uuid(), 't', 'api', 'bulk-' || i, 'welcome', 'marketing', 'bulk', '{email}', '{}',
          timestamptz '%s' + i * interval '1 ms'
        from generate_series(1, 12000) i"""
            .formatted(finishedDay));

    new PartitionMaintenance(db.jdbi(), 7, 30).run();

    assertThat(partitionExists(unfinishedDay)).as("partition with a queued delivery").isTrue();
    assertThat(
            count("select count(*) from deliveries where notification_id = '" + unfinished + "'"))
        .isEqualTo(2);
    assertThat(count("select count(*) from notifications where id = '" + unfinished + "'"))
        .isEqualTo(1);
    assertThat(partitionExists(finishedDay)).as("partition of finished deliveries").isFalse();
    assertThat(
            count(
                "select count(*) from notifications where created_at >= '%s' and created_at < '%s'"
                    .formatted(day(-41), day(-40))))
        .as("notifications of the pruned day")
        .isZero();
    assertThat(count("select count(*) from notifications where id = '" + finished + "'")).isZero();
    // The pruned CR is remembered so that it is never accepted again; API sends are not.
    assertThat(
            count(
                "select count(*) from pruned_notifications where source = 'cr' and source_ref = 'done-long-ago' "
                    + "and notification_id = '"
                    + finished
                    + "'"))
        .isEqualTo(1);
    assertThat(
            count("select count(*) from pruned_notifications where source_ref <> 'done-long-ago'"))
        .isZero();
  }

  @Test
  void partitionsAreCreatedAheadEvenWhenRowsHadLandedInTheDefaultPartition() {
    // A database as the schema before retention left it, with rows in its default partition: one
    // for a day beyond the partitions created ahead, one for a day before them.
    Flyway.configure()
        .dataSource(testDb.jdbcUrl(), testDb.user(), testDb.password())
        .locations("classpath:db/migration")
        .target("3")
        .load()
        .migrate();
    Instant ahead = day(9).plus(Duration.ofHours(2));
    Instant behind = day(-2).plus(Duration.ofHours(2));
    UUID aheadId = storedNotification("t", "ahead", ahead, "pending");
    UUID behindId = storedNotification("t", "behind", behind, "sent");
    assertThat(partitionOf(aheadId)).isEqualTo("deliveries_default");

    migrate();
    new PartitionMaintenance(db.jdbi(), 10, 30).run();

    for (int i = 0; i <= 10; i++) {
      assertThat(partitionExists(day(i))).as("partition of day +%d", i).isTrue();
    }
    assertThat(partitionOf(aheadId)).isEqualTo(partitionName(ahead));
    assertThat(partitionOf(behindId)).isEqualTo(partitionName(behind));
    assertThat(count("select count(*) from pg_class where relname = 'deliveries_default'"))
        .isZero();
  }

  @Test
  void acceptingWhenTodaysPartitionIsMissingCreatesIt() {
    migrate();
    String today = partitionName(day(0));
    sql("alter table deliveries detach partition " + today + "; drop table " + today);

    NotificationRecord n = notifications.accept(notification("t", "today"), two()).notification();

    assertThat(partitionOf(n.id())).isEqualTo(today);
    assertThat(notifications.counts(n).total()).isEqualTo(2);
  }

  @Test
  void aDetachLeftUnfinishedByACrashIsCompletedAndTheDayPruned() throws Exception {
    migrate();
    Instant old = day(-35).plus(Duration.ofHours(5));
    createPartition(old);
    UUID oldNotification = storedNotification("t", "old", old, "sent");
    String name = partitionName(old);
    try (Connection reader = testDb.connect();
        Connection detacher = testDb.connect()) {
      reader.setAutoCommit(false);
      try (Statement st = reader.createStatement();
          ResultSet rs = st.executeQuery("select count(*) from deliveries")) {
        rs.next();
      }
      int pid = pid(detacher);
      // The second step of a concurrent detach waits for the reader; the process dies there.
      CompletableFuture<Void> detach =
          CompletableFuture.runAsync(
              () -> {
                try (Statement st = detacher.createStatement()) {
                  st.execute("alter table deliveries detach partition " + name + " concurrently");
                } catch (java.sql.SQLException expected) {
                  // terminated
                }
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> sessionsWaitingForLocks() > 0);
      sql("select pg_terminate_backend(" + pid + ")");
      detach.get(20, TimeUnit.SECONDS);
      reader.commit();
    }
    assertThat(
            count(
                "select count(*) from pg_inherits where inhrelid = '"
                    + name
                    + "'::regclass and inhdetachpending"))
        .isEqualTo(1);

    new PartitionMaintenance(db.jdbi(), 7, 30).run();

    assertThat(count("select count(*) from pg_class where relname = '" + name + "'")).isZero();
    assertThat(count("select count(*) from notifications where id = '" + oldNotification + "'"))
        .isZero();
  }

  @Test
  void aDetachedPartitionWithinRetentionIsAttachedAgainNotDropped() {
    migrate();
    Instant yesterday = day(-1).plus(Duration.ofHours(8));
    createPartition(yesterday);
    UUID sent = storedNotification("t", "yesterday", yesterday, "sent");
    sql("alter table deliveries detach partition " + partitionName(yesterday));

    new PartitionMaintenance(db.jdbi(), 7, 30).run();

    assertThat(partitionExists(yesterday)).isTrue();
    assertThat(count("select count(*) from deliveries where notification_id = '" + sent + "'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from notifications where id = '" + sent + "'")).isEqualTo(1);
  }

  @Test
  void replicasRunningMaintenanceAtOnceBothSucceed() throws Exception {
    migrate();
    for (int d = 31; d <= 36; d++) {
      Instant old = day(-d).plus(Duration.ofHours(1));
      createPartition(old);
      storedNotification("t", "old-" + d, old, "sent");
    }
    PartitionMaintenance one = new PartitionMaintenance(db.jdbi(), 7, 30);
    PartitionMaintenance other = new PartitionMaintenance(db.jdbi(), 7, 30);

    CompletableFuture<Void> a = CompletableFuture.runAsync(one::run);
    CompletableFuture<Void> b = CompletableFuture.runAsync(other::run);
    a.get(30, TimeUnit.SECONDS);
    b.get(30, TimeUnit.SECONDS);
    new PartitionMaintenance(db.jdbi(), 7, 30).run();

    for (int d = 31; d <= 36; d++) {
      assertThat(partitionExists(day(-d))).as("partition of day -%d", d).isFalse();
    }
    assertThat(count("select count(*) from notifications where source_ref like 'old-%'")).isZero();
  }

  // --- helpers

  private static NewNotification notification(String tenant, String ref) {
    return new NewNotification(
        tenant,
        Source.CR,
        ref,
        "n-" + ref,
        "welcome",
        "transactional",
        Priority.HIGH,
        List.of(Channel.EMAIL),
        List.of(),
        new TemplateContent(
            null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
        Json.MAPPER.createObjectNode(),
        null,
        null);
  }

  private static List<NewDelivery> two() {
    return List.of(
        NewDelivery.pending(null, Channel.EMAIL, null, "a@x.io", null),
        NewDelivery.pending(null, Channel.EMAIL, null, "b@x.io", null));
  }

  /** Midnight UTC, {@code offset} days from today. */
  private static Instant day(int offset) {
    return LocalDate.now(ZoneOffset.UTC).plusDays(offset).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static String partitionName(Instant at) {
    return "deliveries_p" + DAY.format(at.atOffset(ZoneOffset.UTC));
  }

  /** A day's partition, made as a test: the time {@code at} falls in has passed. */
  private void createPartition(Instant at) {
    Instant start =
        at.atOffset(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    sql(
        "create table %s partition of deliveries for values from ('%s') to ('%s')"
            .formatted(partitionName(at), start, start.plus(Duration.ofDays(1))));
  }

  private boolean partitionExists(Instant at) {
    return count(
            "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = 'deliveries'::regclass and c.relname = '"
                + partitionName(at)
                + "'")
        == 1;
  }

  private String partitionOf(UUID notificationId) {
    try (Connection c = testDb.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select distinct tableoid::regclass::text from deliveries where notification_id = '"
                    + notificationId
                    + "'")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CR's notification written {@code createdAt}, with one e-mail delivery per state given. */
  private UUID storedNotification(String tenant, String ref, Instant createdAt, String... states) {
    UUID id = UUID.randomUUID();
    StringBuilder s =
        new StringBuilder(
            """
        insert into notifications (id, tenant, source, source_ref, resource_name, template, category, priority,
          channels, content, created_at)
        values ('%s', '%s', 'cr', '%s', '%s', 'welcome', 'transactional', 'normal', '{email}', '{}', '%s');
        """
                .formatted(id, tenant, ref, ref, createdAt));
    for (int i = 0; i < states.length; i++) {
      s.append(
          """
          insert into deliveries (id, created_at, notification_id, tenant, channel, address, priority, state, next_attempt_at)
          values (gen_random_uuid(), '%s', '%s', '%s', 'email', 'r%d@x.io', 1, '%s', '%s');
          """
              .formatted(createdAt, id, tenant, i, states[i], createdAt));
    }
    sql(s.toString());
    return id;
  }

  private int sessionsWaitingForLocks() {
    return (int)
        count(
            "select count(*) from pg_stat_activity where datname = current_database() "
                + "and wait_event_type = 'Lock' and pid <> pg_backend_pid()");
  }

  private static int pid(Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private void sql(String statements) {
    try (Connection c = testDb.connect();
        Statement st = c.createStatement()) {
      st.execute(statements);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String query) {
    try (Connection c = testDb.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
