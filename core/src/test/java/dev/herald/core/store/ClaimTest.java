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
import dev.herald.core.template.TemplateContent;
import dev.herald.core.webpush.Base64Url;
import dev.herald.core.webpush.P256;
import dev.herald.core.webpush.WebPushKeys;
import dev.herald.testkit.postgres.TestDatabase;
import dev.herald.testkit.tls.TestCredentials;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A claim reads the recipient's consent as it is at send time, not as it was at acceptance. */
class ClaimTest {
  private static final String TENANT = "shop";
  private static final String TOKEN = "ab".repeat(32);
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;
  private static ContactStore contacts;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("claim");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "claim-test");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
    contacts = new ContactStore(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  @Test
  void optOutsSuppressionsAndRemovedDevicesAfterAcceptanceAreSeenAtClaim() {
    contacts.upsertUser(TENANT, "u-1", "u1@x.io", "+14155552671", "en", null, null);
    contacts.addDevice(TENANT, "u-1", "ios", TOKEN);
    NewNotification n =
        new NewNotification(
            TENANT,
            Source.API,
            "ref-1",
            "promo-1",
            "promo",
            "marketing",
            Priority.NORMAL,
            List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH),
            List.of(),
            new TemplateContent(
                null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
            Json.MAPPER.createObjectNode(),
            null,
            null);
    NotificationRecord accepted =
        notifications
            .accept(
                n,
                List.of(
                    NewDelivery.pending("u-1", Channel.EMAIL, null, "u1@x.io", "en"),
                    NewDelivery.pending("u-1", Channel.SMS, null, "+14155552671", "en"),
                    NewDelivery.pending("u-1", Channel.PUSH, "ios", TOKEN, "en"),
                    NewDelivery.pending(null, Channel.EMAIL, null, "raw@x.io", null)))
            .notification();

    // After acceptance, before any dispatcher claims them:
    contacts.setPreference(TENANT, "u-1", new Preference("email", "marketing", false));
    contacts.suppress(TENANT, Channel.SMS, "+14155552671", "stop");
    contacts.removeDevice(TENANT, "u-1", "ios", TOKEN);

    List<DeliveryMessage> due =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 10)).stream()
            .map(DeliveryStore.Due::message)
            .toList();
    assertThat(due).hasSize(4);
    Map<UUID, Claim> claims =
        deliveries.claim(
            due.stream().map(m -> new DeliveryKey(m.deliveryId(), m.createdAt())).toList(),
            java.time.Duration.ZERO);
    Map<String, DeliveryMessage> byAddress =
        due.stream().collect(Collectors.toMap(DeliveryMessage::address, Function.identity()));
    Function<String, Claim> claimOf = address -> claims.get(byAddress.get(address).deliveryId());

    assertThat(claimOf.apply("u1@x.io").blockedBecause(Channel.EMAIL, "marketing", false))
        .hasValue(DeliveryReasons.OPTED_OUT);
    assertThat(claimOf.apply("u1@x.io").blockedBecause(Channel.EMAIL, "marketing", true))
        .as("critical")
        .isEmpty();
    assertThat(claimOf.apply("u1@x.io").blockedBecause(Channel.EMAIL, "orders", false))
        .as("other category")
        .isEmpty();
    assertThat(claimOf.apply("+14155552671").blockedBecause(Channel.SMS, "marketing", true))
        .hasValue("stop");
    assertThat(claimOf.apply(TOKEN).blockedBecause(Channel.PUSH, "marketing", true))
        .hasValue(DeliveryReasons.DEVICE_INACTIVE);
    assertThat(claimOf.apply("raw@x.io").blockedBecause(Channel.EMAIL, "marketing", false))
        .isEmpty();
    assertThat(claimOf.apply("raw@x.io").attempts()).isZero();

    DeliveryMessage email = byAddress.get("u1@x.io");
    DeliveryKey emailKey = new DeliveryKey(email.deliveryId(), email.createdAt());
    assertThat(deliveries.record(List.of(Outcome.suppressed(emailKey, DeliveryReasons.OPTED_OUT))))
        .containsExactly(true);
    assertThat(deliveries.state(emailKey)).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(notifications.counts(accepted).count(DeliveryState.SUPPRESSED)).isEqualTo(1);
  }

  @Test
  void aWebPushSubscriptionsKeysAsRegisteredNowComeWithTheClaim() {
    String endpoint = "https://push.example.com/wpush/v2/sub-1";
    WebPushKeys registered = keys();
    WebPushKeys renewed = keys();
    contacts.upsertUser(TENANT, "u-2", null, null, "en", null, null);
    contacts.addDevice(TENANT, "u-2", "web", endpoint, registered);
    contacts.addDevice(TENANT, "u-2", "web", "fcm-web-u2:" + "k".repeat(120));
    NewNotification n =
        new NewNotification(
            TENANT,
            Source.API,
            "ref-2",
            "push-2",
            "push",
            "orders",
            Priority.HIGH,
            List.of(Channel.PUSH),
            List.of(),
            new TemplateContent(
                null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
            Json.MAPPER.createObjectNode(),
            null,
            null);
    notifications.accept(
        n,
        List.of(
            NewDelivery.pending("u-2", Channel.PUSH, "web", endpoint, "en"),
            NewDelivery.pending(
                "u-2", Channel.PUSH, "web", "fcm-web-u2:" + "k".repeat(120), "en")));
    // The browser re-subscribes under the same endpoint with new keys before the send.
    contacts.addDevice(TENANT, "u-2", "web", endpoint, renewed);

    List<DeliveryMessage> due =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 10)).stream()
            .map(DeliveryStore.Due::message)
            .filter(m -> "u-2".equals(m.userId()))
            .toList();
    Map<UUID, Claim> claims =
        deliveries.claim(
            due.stream().map(m -> new DeliveryKey(m.deliveryId(), m.createdAt())).toList(),
            java.time.Duration.ZERO);
    for (DeliveryMessage m : due) {
      Claim claim = claims.get(m.deliveryId());
      if (m.address().equals(endpoint)) {
        assertThat(claim.webPushKeys()).isEqualTo(renewed);
      } else {
        assertThat(claim.webPushKeys()).as("an FCM token has no keys").isNull();
      }
      assertThat(claim.blockedBecause(Channel.PUSH, "orders", false)).isEmpty();
    }
    assertThat(due).hasSize(2);
  }

  @Test
  void theUsersAttributesAsTheyAreAtClaimComeWithIt() {
    contacts.upsertUser(
        TENANT,
        "u-4",
        "u4@x.io",
        null,
        "de-AT",
        "Europe/Vienna",
        Json.read("{\"firstName\": \"Ada\"}", com.fasterxml.jackson.databind.JsonNode.class));
    NewNotification n =
        new NewNotification(
            TENANT,
            Source.API,
            "ref-4",
            "hello-4",
            "hello",
            "marketing",
            Priority.NORMAL,
            List.of(Channel.EMAIL),
            List.of(),
            new TemplateContent(
                null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
            Json.MAPPER.createObjectNode(),
            null,
            null);
    notifications.accept(
        n,
        List.of(
            NewDelivery.pending("u-4", Channel.EMAIL, null, "u4@x.io", "de-AT"),
            NewDelivery.pending(null, Channel.EMAIL, null, "raw4@x.io", null)));
    // The user's attributes change after acceptance, before the claim.
    contacts.upsertUser(
        TENANT,
        "u-4",
        "u4@x.io",
        null,
        "de-AT",
        "Europe/Vienna",
        Json.read(
            "{\"firstName\": \"Augusta\", \"plan\": \"pro\"}",
            com.fasterxml.jackson.databind.JsonNode.class));

    List<DeliveryMessage> due =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 10)).stream()
            .map(DeliveryStore.Due::message)
            .filter(m -> m.address().endsWith("4@x.io"))
            .toList();
    assertThat(due).hasSize(2);
    Map<UUID, Claim> claims =
        deliveries.claim(
            due.stream().map(m -> new DeliveryKey(m.deliveryId(), m.createdAt())).toList(),
            java.time.Duration.ZERO);
    for (DeliveryMessage m : due) {
      Claim claim = claims.get(m.deliveryId());
      if (m.userId() == null) {
        assertThat(claim.user()).as("a raw address has no user").isNull();
      } else {
        assertThat(claim.user().attributes().path("firstName").asText()).isEqualTo("Augusta");
        assertThat(claim.user().attributes().path("plan").asText()).isEqualTo("pro");
        assertThat(claim.user().locale()).isEqualTo("de-AT");
        assertThat(claim.user().timeZone()).isEqualTo("Europe/Vienna");
      }
    }
  }

  @Test
  void theSchemaRefusesKeysOnATokenAndHalfAKeyPair() {
    contacts.upsertUser(TENANT, "u-3", null, null, "en", null, null);
    WebPushKeys k = keys();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                contacts.addDevice(
                    TENANT, "u-3", "android", "fcm-android-u3:" + "k".repeat(120), k))
        .hasMessageContaining("devices_web_push_keys");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                db.jdbi()
                    .useHandle(
                        h ->
                            h.execute(
                                "insert into devices (tenant, platform, token, user_id, p256dh) values (?, 'web', 'https://push.example.com/x', 'u-3', ?)",
                                TENANT,
                                k.p256dh())))
        .hasMessageContaining("devices_web_push_keys");
  }

  private static WebPushKeys keys() {
    byte[] point =
        P256.uncompressed(
            (java.security.interfaces.ECPublicKey) TestCredentials.p256().getPublic());
    byte[] auth = new byte[16];
    new java.security.SecureRandom().nextBytes(auth);
    return new WebPushKeys(Base64Url.encode(point), Base64Url.encode(auth));
  }
}
