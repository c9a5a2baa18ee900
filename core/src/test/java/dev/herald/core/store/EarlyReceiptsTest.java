package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.store.EarlyReceipts.Result;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receipts that come before their delivery is recorded as sent end where they would have had they
 * come after it; one tenant's receipts never touch another's deliveries, and are bounded.
 */
class EarlyReceiptsTest {
  private static final Set<DeliveryState> SENT = EnumSet.of(DeliveryState.SENT);
  private static final Set<DeliveryState> REACHED =
      EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED);
  private static final Set<DeliveryState> SHOWN =
      EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.OPENED);
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;
  private static EarlyReceipts early;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("early-receipts");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "early-test");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
    early = new EarlyReceipts(db.jdbi(), 5);
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  /**
   * A delivery of {@code tenant} claimed by a dispatcher: {@code sending}, its outcome not
   * recorded.
   */
  private static DeliveryKey sending(String tenant) {
    NewNotification n =
        new NewNotification(
            tenant,
            Source.API,
            UUID.randomUUID().toString(),
            null,
            "t",
            "news",
            Priority.NORMAL,
            List.of(Channel.EMAIL),
            List.of(),
            new TemplateContent(
                null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
            Json.MAPPER.createObjectNode(),
            null,
            null);
    NotificationRecord r =
        notifications
            .accept(
                n,
                List.of(
                    NewDelivery.pending(
                        null, Channel.EMAIL, null, UUID.randomUUID() + "@x.io", null)))
            .notification();
    DeliveryMessage m =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 1000)).stream()
            .map(DeliveryStore.Due::message)
            .filter(d -> d.notificationId().equals(r.id()))
            .findFirst()
            .orElseThrow();
    DeliveryKey key = new DeliveryKey(m.deliveryId(), m.createdAt());
    assertThat(deliveries.claim(List.of(key), java.time.Duration.ZERO)).containsKey(key.id());
    return key;
  }

  private static String stateOf(DeliveryKey key) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "select state || coalesce('/' || failure_reason, '') from deliveries where id = :id")
                    .bind("id", key.id())
                    .mapTo(String.class)
                    .one());
  }

  private static Result receipt(String tenant, DeliveryKey key, String event) {
    return switch (event) {
      case "delivered" ->
          early.advanceOrKeep(tenant, key.id(), SENT, DeliveryState.DELIVERED, null);
      case "opened" -> early.advanceOrKeep(tenant, key.id(), REACHED, DeliveryState.OPENED, null);
      case "clicked" -> early.advanceOrKeep(tenant, key.id(), SHOWN, DeliveryState.CLICKED, null);
      default -> early.advanceOrKeep(tenant, key.id(), REACHED, DeliveryState.FAILED, event);
    };
  }

  private static void clear(String tenant) {
    db.jdbi().useHandle(h -> h.execute("delete from early_receipts where tenant = ?", tenant));
  }

  @Test
  void anyOrderOfEarlyReceiptsEndsAsTheSameReceiptsAfterTheSendWould() {
    String[] events = {"delivered", "opened", "clicked", "bounced"};
    Random random = new Random(13);
    for (int i = 0; i < 40; i++) {
      String tenant = "order";
      List<String> sequence =
          random.ints(1 + random.nextInt(4), 0, events.length).mapToObj(e -> events[e]).toList();
      // What they do one by one after the send was recorded ...
      DeliveryKey late = sending(tenant);
      deliveries.record(List.of(Outcome.sent(late, "p", "late-" + UUID.randomUUID())));
      sequence.forEach(
          e -> assertThat(receipt(tenant, late, e)).isIn(Result.APPLIED, Result.IGNORED));
      // ... they do when they all came before it.
      DeliveryKey key = sending(tenant);
      sequence.forEach(e -> assertThat(receipt(tenant, key, e)).isEqualTo(Result.KEPT));
      assertThat(stateOf(key)).isEqualTo("sending");
      deliveries.record(List.of(Outcome.sent(key, "p", "m-" + UUID.randomUUID())));
      assertThat(stateOf(key)).as("%s", sequence).isEqualTo(stateOf(late));
      assertThat(early.held(tenant)).isZero();
    }
  }

  @Test
  void aReceiptForAMessageIdIsAppliedWhenItsSendIsRecordedInItsTenantOnly() {
    DeliveryKey mine = sending("mine");
    assertThat(
            early.keepForMessage(
                "mine", "SM-1", Channel.EMAIL, DeliveryState.FAILED, "undelivered"))
        .isEqualTo(Result.KEPT);
    // Another tenant naming the same message id neither moves nor consumes anything of "mine".
    assertThat(early.keepForMessage("theirs", "SM-1", Channel.EMAIL, DeliveryState.DELIVERED, null))
        .isEqualTo(Result.KEPT);
    deliveries.record(List.of(Outcome.sent(mine, "p", "SM-1")));
    assertThat(stateOf(mine)).isEqualTo("failed/undelivered");
    assertThat(early.held("theirs")).isEqualTo(1);
    clear("theirs");
  }

  @Test
  void eachTenantHoldsABoundedNumberAndTheSweepAppliesLateMatchesAndDropsOldOnes() {
    for (int i = 0; i < 5; i++) {
      assertThat(
              early.keepForMessage("noisy", "SM-n" + i, Channel.SMS, DeliveryState.DELIVERED, null))
          .isEqualTo(Result.KEPT);
    }
    assertThat(early.keepForMessage("noisy", "SM-n5", Channel.SMS, DeliveryState.DELIVERED, null))
        .isEqualTo(Result.FULL);
    assertThat(early.keepForMessage("quiet", "SM-q", Channel.EMAIL, DeliveryState.DELIVERED, null))
        .as("another tenant is not limited by it")
        .isEqualTo(Result.KEPT);

    // A receipt kept while its outcome was being committed: the sweep applies it.
    DeliveryKey raced = sending("quiet");
    deliveries.record(List.of(Outcome.sent(raced, "p", "SM-raced")));
    assertThat(
            early.keepForMessage("quiet", "SM-raced", Channel.EMAIL, DeliveryState.DELIVERED, null))
        .isEqualTo(Result.KEPT);
    early.sweep(Duration.ofDays(1));
    assertThat(stateOf(raced)).isEqualTo("delivered");
    assertThat(early.held("noisy")).isEqualTo(5);

    db.jdbi()
        .useHandle(
            h -> h.execute("update early_receipts set received_at = now() - interval '2 days'"));
    assertThat(early.sweep(Duration.ofDays(1))).isEqualTo(6);
    assertThat(early.held("noisy")).isZero();
    assertThat(early.keepForMessage("noisy", "SM-n6", Channel.SMS, DeliveryState.DELIVERED, null))
        .isEqualTo(Result.KEPT);
    clear("noisy");
  }
}
