package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store against the machine's Postgres, in a database of its own. */
class StoreTest {
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("store");
    db = Database.open(new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "store-test");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  private static NewNotification notification(String tenant, String ref) {
    return new NewNotification(tenant, Source.CR, ref, "n-" + ref, "welcome", "transactional", Priority.HIGH,
        List.of(Channel.EMAIL), List.of(), new TemplateContent(null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
        Json.MAPPER.createObjectNode().put("k", "v"), null, null);
  }

  private static List<NewDelivery> three() {
    return List.of(NewDelivery.pending(null, Channel.EMAIL, null, "a@x.io", null),
        NewDelivery.pending(null, Channel.EMAIL, null, "b@x.io", null),
        NewDelivery.suppressed("u-1", Channel.EMAIL, "no_address"));
  }

  @Test
  void acceptingTwiceWritesOnce() {
    NotificationStore.Accepted first = notifications.accept(notification("t1", "uid-1"), three());
    NotificationStore.Accepted second = notifications.accept(notification("t1", "uid-1"), three());

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.notification().id()).isEqualTo(first.notification().id());
    DeliveryCounts counts = notifications.counts(first.notification());
    assertThat(counts.total()).isEqualTo(3);
    assertThat(counts.count(DeliveryState.PENDING)).isEqualTo(2);
    assertThat(counts.count(DeliveryState.SUPPRESSED)).isEqualTo(1);
    assertThat(notifications.content(first.notification().id())).get()
        .satisfies(c -> assertThat(c.data().get("k").asText()).isEqualTo("v"));
  }

  @Test
  void stateChangesAreConditional() {
    NotificationRecord n = notifications.accept(notification("t2", "uid-2"), three()).notification();
    List<DeliveryMessage> due = db.jdbi().inTransaction(h -> {
      List<DeliveryMessage> locked = deliveries.lockDue(h, 10);
      deliveries.markQueued(h, locked.stream()
          .map(m -> new DeliveryStore.Queued(new DeliveryKey(m.deliveryId(), m.createdAt()), 42)).toList());
      return locked;
    });
    assertThat(due).hasSize(2).allSatisfy(m -> {
      assertThat(m.priority()).isEqualTo(Priority.HIGH);
      assertThat(m.notificationId()).isEqualTo(n.id());
    });
    List<DeliveryKey> keys = due.stream().map(m -> new DeliveryKey(m.deliveryId(), m.createdAt())).toList();

    Map<UUID, Claim> claimed = deliveries.claim(keys);
    assertThat(claimed).containsOnlyKeys(keys.get(0).id(), keys.get(1).id());
    assertThat(claimed.values()).extracting(Claim::attempts).containsExactly(0, 0);
    boolean[] moved = deliveries.record(List.of(Outcome.sent(keys.get(0), "sg", "msg-1"),
        Outcome.retry(keys.get(1), true, "sg", "http_503", "busy", Instant.now())));
    assertThat(moved).containsExactly(true, true);
    assertThat(deliveries.state(keys.get(0))).isEqualTo(DeliveryState.SENT);
    assertThat(deliveries.state(keys.get(1))).isEqualTo(DeliveryState.QUEUED);

    // A redelivered message of a sent delivery is not claimed, and a late outcome changes nothing.
    assertThat(deliveries.claim(List.of(keys.get(0)))).isEmpty();
    assertThat(deliveries.record(List.of(Outcome.failed(keys.get(0), true, "sg", "permanent", "x", "y"))))
        .containsExactly(false);
    assertThat(deliveries.state(keys.get(0))).isEqualTo(DeliveryState.SENT);
    // The retried one is claimed again with its attempt counted.
    assertThat(deliveries.claim(List.of(keys.get(1))).get(keys.get(1).id()).attempts()).isEqualTo(1);
  }

  @Test
  void cancellingLeavesSentDeliveriesAlone() {
    NotificationRecord n = notifications.accept(notification("t3", "uid-3"), three()).notification();
    DeliveryMessage first = db.jdbi().inTransaction(h -> deliveries.lockDue(h, 1)).get(0);
    DeliveryKey key = new DeliveryKey(first.deliveryId(), first.createdAt());
    deliveries.claim(List.of(key));
    deliveries.record(List.of(Outcome.sent(key, "sg", "m")));

    assertThat(notifications.cancel(n)).isEqualTo(1);
    DeliveryCounts counts = notifications.counts(n);
    assertThat(counts.count(DeliveryState.SENT)).isEqualTo(1);
    assertThat(counts.count(DeliveryState.CANCELLED)).isEqualTo(1);
    assertThat(notifications.findBySource("t3", Source.CR, "uid-3")).get()
        .satisfies(r -> assertThat(r.cancelledAt()).isNotNull());
  }

  @Test
  void partitionsAreKeptAhead() {
    new PartitionMaintenance(db.jdbi(), 10, 30).run();
    long partitions = db.jdbi().withHandle(h -> h.createQuery(
        "select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent where p.relname = 'deliveries'")
        .mapTo(Long.class).one());
    // today and ten days ahead (no default partition)
    assertThat(partitions).isGreaterThanOrEqualTo(11);
  }

  @Test
  void aFailedStatementCarriesNoAddressIntoItsMessage() {
    // Exceptions are logged; what a statement was bound to, and the row Postgres refused, must not
    // travel with them.
    String address = "leak-check@example.com";
    String insert = "insert into suppressions (tenant, channel, address, reason) values ('t-leak', :channel, :address, 'bounced')";
    db.jdbi().useHandle(h -> h.createUpdate(insert).bind("channel", "email").bind("address", address).execute());

    Throwable duplicate = catchThrowable(() -> db.jdbi().useHandle(
        h -> h.createUpdate(insert).bind("channel", "email").bind("address", address).execute()));
    Throwable refusedRow = catchThrowable(() -> db.jdbi().useHandle(
        h -> h.createUpdate(insert).bind("channel", "fax").bind("address", address).execute()));

    for (Throwable failure : List.of(duplicate, refusedRow)) {
      assertThat(failure).isNotNull();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(t.toString()).doesNotContain("leak-check");
      }
    }
    assertThat(duplicate.getCause()).hasMessageContaining("suppressions_pkey");
    assertThat(refusedRow.getCause()).hasMessageContaining("suppressions_channel_check");
  }
}
