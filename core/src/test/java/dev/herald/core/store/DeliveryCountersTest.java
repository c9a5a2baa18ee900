package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-notification counters (migration V10) against the rows, under concurrent relays,
 * dispatchers, redelivered messages, repeated outcomes, cancels and readers folding at once.
 */
class DeliveryCountersTest {
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("counters");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 12), "counters");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  private static NotificationRecord accept(String ref, int n) {
    List<NewDelivery> ds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ds.add(NewDelivery.pending(null, Channel.EMAIL, null, "r" + i + "@x.io", null));
    }
    ds.add(NewDelivery.suppressed("u-1", Channel.SMS, "no_address"));
    return notifications
        .accept(
            new NewNotification(
                "t1",
                Source.API,
                ref,
                null,
                "welcome",
                "transactional",
                Priority.NORMAL,
                List.of(Channel.EMAIL, Channel.SMS),
                List.of(),
                new TemplateContent(
                    null,
                    new EmailContent("s", "h", null, null, null, null),
                    null,
                    null,
                    null,
                    false),
                Json.MAPPER.createObjectNode(),
                null,
                null),
            ds)
        .notification();
  }

  private static Map<Channel, Map<DeliveryState, Long>> rows(UUID notification) {
    Map<Channel, Map<DeliveryState, Long>> m = new EnumMap<>(Channel.class);
    db.jdbi()
        .useHandle(
            h ->
                h.select(
                        "select channel, state, count(*) as n from deliveries where notification_id = ? group by 1, 2",
                        notification)
                    .map(
                        (rs, ctx) ->
                            m.computeIfAbsent(
                                    Channel.fromWire(rs.getString("channel")),
                                    c -> new EnumMap<>(DeliveryState.class))
                                .put(
                                    DeliveryState.fromWire(rs.getString("state")), rs.getLong("n")))
                    .list());
    return m;
  }

  @Test
  void countersEqualTheRowsUnderConcurrentWriters() throws Exception {
    NotificationRecord n = accept("busy", 3000);
    NotificationRecord other = accept("cancelled", 500);
    assertThat(notifications.counts(n).byChannel()).isEqualTo(rows(n.id()));
    long pending = notifications.counts(n).count(java.util.Set.of(DeliveryState.PENDING));

    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      work(stop);
                    } catch (Throwable t) {
                      errors.add(t);
                    }
                  }));
    }
    threads.add(
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!stop.get()) {
                    try {
                      notifications.counts(n);
                      notifications.foldCounts(7);
                      notifications.counts(other);
                    } catch (Throwable t) {
                      errors.add(t);
                    }
                  }
                }));
    // The cancel lands while the writers are moving deliveries, not before they start.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> notifications.counts(n).count(java.util.Set.of(DeliveryState.PENDING)) < pending);
    NotificationStore.Cancellation cancellation = notifications.cancel(other);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                notifications
                        .counts(n)
                        .count(
                            java.util.Set.of(
                                DeliveryState.PENDING, DeliveryState.QUEUED, DeliveryState.SENDING))
                    == 0);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(errors).isEmpty();

    for (NotificationRecord r : List.of(n, other)) {
      DeliveryCounts counts = notifications.counts(r);
      assertThat(counts.byChannel()).isEqualTo(rows(r.id()));
      assertThat(counts.total()).isEqualTo(r == n ? 3001 : 501);
    }
    assertThat(notifications.counts(n).count(DeliveryState.PENDING)).isZero();
    // a delivery cancelled while its provider call was under way may still be recorded sent
    assertThat(notifications.counts(other).count(DeliveryState.CANCELLED))
        .isBetween(
            (long) cancellation.cancelled(),
            (long) cancellation.cancelled() + cancellation.inFlight());
    // the maintenance fold leaves the counts as they are
    while (notifications.foldCounts(1000) > 0) {
      // until no delta is left
    }
    long deltasLeft =
        db.jdbi()
            .withHandle(
                h ->
                    h.select("select count(*) from delivery_count_deltas").mapTo(Long.class).one());
    assertThat(deltasLeft).isZero();
    for (NotificationRecord r : List.of(n, other)) {
      assertThat(notifications.counts(r).byChannel()).isEqualTo(rows(r.id()));
    }
    // reading again folds nothing more and changes nothing
    assertThat(notifications.counts(n)).isEqualTo(notifications.counts(n));
  }

  /** A relay and a dispatcher in one: take due, claim (twice: a redelivery), record (twice). */
  private static void work(AtomicBoolean stop) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stop.get()) {
      List<DeliveryStore.Due> due =
          deliveries.jdbi().inTransaction(h -> deliveries.takeDue(h, 1 + random.nextInt(150)));
      if (due.isEmpty()) {
        Thread.onSpinWait();
        continue;
      }
      List<DeliveryKey> keys =
          due.stream()
              .map(d -> new DeliveryKey(d.message().deliveryId(), d.message().createdAt()))
              .toList();
      var claimed = deliveries.claim(keys, Duration.ofSeconds(30));
      // the same messages again, as JetStream redelivers them: none is claimed twice
      assertThat(deliveries.claim(keys, Duration.ofSeconds(30))).isEmpty();
      List<Outcome> outcomes = new ArrayList<>();
      for (DeliveryKey k : keys) {
        if (!claimed.containsKey(k.id())) {
          continue;
        }
        int r = random.nextInt(10);
        outcomes.add(
            r < 6
                ? Outcome.sent(k, "p", "m-" + k.id())
                : r < 8
                    ? Outcome.refused(k, "p", "bad", "refused")
                    // due a moment later: one due at once can be taken and claimed by another
                    // worker before this one repeats its batch, which then moves that claim
                    : Outcome.retryLater(k, "p", "slow", "later", Instant.now().plusMillis(300)));
      }
      deliveries.record(outcomes);
      // a repeated outcome (a dispatcher retrying its batch) moves nothing
      boolean[] again = deliveries.record(outcomes);
      for (boolean moved : again) {
        assertThat(moved).isFalse();
      }
    }
  }
}
