package dev.herald.providers.sendgrid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import dev.herald.providers.Callback;
import dev.herald.providers.CallbackRefused;
import dev.herald.providers.CallbackReport;
import dev.herald.providers.CallbackReport.Notice;
import dev.herald.providers.CallbackReport.Once;
import dev.herald.providers.CallbackRequest;
import dev.herald.providers.Receipt;
import dev.herald.providers.Receipt.Ref;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SendGrid's Event Webhook, {@code POST /v1/webhooks/sendgrid/<namespace>/<provider>}: a JSON array
 * of events, signed with ECDSA (P-256, SHA-256) over the timestamp header followed by the body. The
 * provider Secret's {@value #KEY} is the public key SendGrid shows (base64 of its DER form).
 * Verified with the JDK's own ECDSA, as sendgrid-java's {@code EventWebhook} does with
 * BouncyCastle.
 */
final class SendGridEventWebhook implements Callback {
  static final String KEY = "webhookVerificationKey";
  static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
  static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  static final String EVENT_KIND = "sendgrid-event";

  @Override
  public String path() {
    return "";
  }

  @Override
  public CallbackReport read(CallbackRequest request, Map<String, String> secret, Instant now) {
    String publicKey = secret.get(KEY);
    if (publicKey == null || publicKey.isBlank()) {
      throw CallbackRefused.notConfigured(KEY);
    }
    String signature = request.header(SIGNATURE);
    String timestamp = request.header(TIMESTAMP);
    if (signature == null || timestamp == null) {
      throw CallbackRefused.unsigned("the Event Webhook signature headers are missing");
    }
    try {
      if (Math.abs(
              Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp.strip())), now)
                  .toSeconds())
          > MAX_AGE.toSeconds()) {
        throw CallbackRefused.unsigned("the Event Webhook timestamp is too old or in the future");
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw CallbackRefused.unsigned("the Event Webhook timestamp is not a number of seconds");
    }
    if (!verifies(publicKey, timestamp, request.body(), signature)) {
      throw CallbackRefused.forged("the Event Webhook signature does not verify");
    }
    JsonNode events;
    try {
      events = Json.MAPPER.readTree(request.body());
    } catch (IOException e) {
      throw CallbackRefused.malformed("body", "not valid JSON");
    }
    if (events == null || !events.isArray()) {
      throw CallbackRefused.malformed("body", "must be a JSON array of events");
    }
    List<Notice> notices = new ArrayList<>();
    for (JsonNode event : events) {
      String eventId = event.path("sg_event_id").asText("");
      Once once = eventId.isBlank() ? null : new Once(EVENT_KIND, eventId);
      notices.add(new Notice(once, receipt(event)));
    }
    // ECDSA signatures are randomised: a replay is the same timestamp and body, whatever its
    // signature.
    return new CallbackReport(
        "sendgrid:" + timestamp + ":" + sha256(request.body()), notices, null);
  }

  /** What one event says; null for an event Herald does not act on. */
  private static Receipt receipt(JsonNode event) {
    String deliveryId = event.path("herald_delivery_id").asText(null);
    if (deliveryId == null) {
      return null;
    }
    Ref ref = Ref.delivery(deliveryId);
    return switch (event.path("event").asText("")) {
      case "delivered" -> new Receipt.Delivered(ref);
      case "open" -> new Receipt.Opened(ref);
      case "click" -> new Receipt.Clicked(ref);
      case "bounce" ->
          "blocked".equals(event.path("type").asText())
              ? new Receipt.Failed(ref, "blocked", false)
              : new Receipt.Bounced(ref);
      case "dropped" -> new Receipt.Failed(ref, "dropped", false);
      case "spamreport" -> new Receipt.Complained(ref);
      case "unsubscribe", "group_unsubscribe" -> new Receipt.Unsubscribed(ref);
      default -> null;
    };
  }

  @Override
  public CallbackReport.Answer answer(CallbackReport report, CallbackReport.Tally tally) {
    return new CallbackReport.Answer(
        200,
        "application/json",
        Json.MAPPER
            .createObjectNode()
            .put("received", tally.received())
            .put("matched", tally.applied())
            .put("kept", tally.kept())
            .toString());
  }

  static boolean verifies(String publicKey, String timestamp, byte[] body, String signature) {
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(
                  new X509EncodedKeySpec(Base64.getMimeDecoder().decode(publicKey.strip())));
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
      verifier.update(body);
      return verifier.verify(Base64.getDecoder().decode(signature.strip()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
