package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A provider callback is honoured once per tenant and provider, remembered for a bounded time. */
class WebhookReceiptsTest {
  private static TestDatabase testDb;
  private static Database db;
  private static WebhookReceipts receipts;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("webhook-receipts");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4),
            "webhook-test");
    receipts = new WebhookReceipts(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  @Test
  void aCallbackIsHonouredOncePerTenantAndProvider() {
    assertThat(receipts.first("shop", "twilio", "twilio-inbound", "SM1")).isTrue();
    assertThat(receipts.first("shop", "twilio", "twilio-inbound", "SM1")).isFalse();
    assertThat(receipts.first("other", "twilio", "twilio-inbound", "SM1"))
        .as("another tenant")
        .isTrue();
    assertThat(receipts.first("shop", "twilio-2", "twilio-inbound", "SM1"))
        .as("another provider")
        .isTrue();
    receipts.forget("shop", "twilio", "twilio-inbound", "SM1");
    assertThat(receipts.first("shop", "twilio", "twilio-inbound", "SM1"))
        .as("after a failed effect")
        .isTrue();
  }

  @Test
  void onlyCallbacksOlderThanTheKeptTimeArePruned() {
    assertThat(receipts.first("prune", "twilio", "twilio-inbound", "SM-old")).isTrue();
    assertThat(receipts.first("prune", "twilio", "twilio-inbound", "SM-new")).isTrue();
    db.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "update webhook_receipts set received_at = now() - interval '401 days' where provider_id = 'SM-old'"));
    assertThat(receipts.prune(WebhookReceipts.KEPT)).isEqualTo(1);
    assertThat(receipts.first("prune", "twilio", "twilio-inbound", "SM-old")).isTrue();
    assertThat(receipts.first("prune", "twilio", "twilio-inbound", "SM-new")).isFalse();
  }
}
