package dev.herald.providers.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sendgrid.helpers.eventwebhook.EventWebhook;
import dev.herald.providers.CallbackRefused;
import dev.herald.providers.CallbackReport;
import dev.herald.providers.CallbackRequest;
import dev.herald.providers.Receipt;
import dev.herald.testkit.tls.TestCredentials;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Security;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/**
 * SendGrid's Event Webhook verified with the JDK's ECDSA; sendgrid-java's verifier (BouncyCastle),
 * on this module's test class path only, agrees on what is signed.
 */
class SendGridEventWebhookTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private final KeyPair keys = TestCredentials.p256();
  private final String publicKey =
      Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
  private final SendGridEventWebhook webhook = new SendGridEventWebhook();

  private String sign(String timestamp, String body) throws Exception {
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }

  private CallbackRequest request(String timestamp, String signature, String body) {
    return new CallbackRequest(
        "https://herald.example/v1/webhooks/sendgrid/shop/sendgrid",
        Map.of(
            SendGridEventWebhook.SIGNATURE, signature, SendGridEventWebhook.TIMESTAMP, timestamp),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSignedBatchReportsEachEventOnceAndSendGridsVerifierAgrees() throws Exception {
    String timestamp = Long.toString(NOW.getEpochSecond());
    String body =
        "[{\"event\":\"delivered\",\"sg_event_id\":\"e1\",\"herald_delivery_id\":\"d1\"},"
            + "{\"event\":\"bounce\",\"type\":\"blocked\",\"sg_event_id\":\"e2\",\"herald_delivery_id\":\"d2\"},"
            + "{\"event\":\"bounce\",\"sg_event_id\":\"e3\",\"herald_delivery_id\":\"d3\"},"
            + "{\"event\":\"processed\",\"sg_event_id\":\"e4\",\"herald_delivery_id\":\"d4\"},"
            + "{\"event\":\"spamreport\",\"herald_delivery_id\":\"d5\"}]";
    String signature = sign(timestamp, body);
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
    EventWebhook sdk = new EventWebhook();
    assertThat(
            sdk.VerifySignature(sdk.ConvertPublicKeyToECDSA(publicKey), body, signature, timestamp))
        .isTrue();

    CallbackReport report =
        webhook.read(
            request(timestamp, signature, body),
            Map.of("webhookVerificationKey", publicKey),
            NOW.plusSeconds(10));
    assertThat(report.notices())
        .extracting(CallbackReport.Notice::receipt)
        .containsExactly(
            new Receipt.Delivered(Receipt.Ref.delivery("d1")),
            new Receipt.Failed(Receipt.Ref.delivery("d2"), "blocked", false),
            new Receipt.Bounced(Receipt.Ref.delivery("d3")),
            null,
            new Receipt.Complained(Receipt.Ref.delivery("d5")));
    assertThat(report.notices())
        .extracting(CallbackReport.Notice::once)
        .containsExactly(
            new CallbackReport.Once("sendgrid-event", "e1"),
            new CallbackReport.Once("sendgrid-event", "e2"),
            new CallbackReport.Once("sendgrid-event", "e3"),
            new CallbackReport.Once("sendgrid-event", "e4"),
            null);
    assertThat(report.replayKey())
        .as("the same call, whatever its signature")
        .isEqualTo(
            webhook
                .read(
                    request(timestamp, sign(timestamp, body), body),
                    Map.of("webhookVerificationKey", publicKey),
                    NOW)
                .replayKey());
  }

  @Test
  void unsignedStaleForgedAndUnconfiguredCallsAreRefusedAsSuch() throws Exception {
    String timestamp = Long.toString(NOW.getEpochSecond());
    String body = "[]";
    Map<String, String> secret = Map.of("webhookVerificationKey", publicKey);
    assertThat(
            why(() -> webhook.read(request(timestamp, sign(timestamp, body), body), Map.of(), NOW)))
        .isEqualTo(CallbackRefused.Why.NOT_CONFIGURED);
    assertThat(
            why(
                () ->
                    webhook.read(
                        new CallbackRequest("https://h/x", Map.of(), body.getBytes()),
                        secret,
                        NOW)))
        .isEqualTo(CallbackRefused.Why.UNSIGNED);
    assertThat(
            why(
                () ->
                    webhook.read(
                        request(timestamp, sign(timestamp, body), body),
                        secret,
                        NOW.plusSeconds(301))))
        .as("older than five minutes")
        .isEqualTo(CallbackRefused.Why.UNSIGNED);
    assertThat(why(() -> webhook.read(request("soon", sign("soon", body), body), secret, NOW)))
        .isEqualTo(CallbackRefused.Why.UNSIGNED);
    assertThat(
            why(
                () ->
                    webhook.read(
                        request(timestamp, sign(timestamp, body), body + " "), secret, NOW)))
        .isEqualTo(CallbackRefused.Why.FORGED);
    assertThat(why(() -> webhook.read(request(timestamp, "not base64!", body), secret, NOW)))
        .isEqualTo(CallbackRefused.Why.FORGED);
    assertThat(
            why(() -> webhook.read(request(timestamp, sign(timestamp, "{}"), "{}"), secret, NOW)))
        .isEqualTo(CallbackRefused.Why.MALFORMED);
  }

  private interface Read {
    void run() throws Exception;
  }

  private static CallbackRefused.Why why(Read read) {
    CallbackRefused refused = catchThrowableOfType(CallbackRefused.class, read::run);
    return refused == null ? null : refused.why();
  }
}
