package dev.herald.providers.vonage;

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
import dev.herald.providers.SmsKeywords;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Vonage's calls to Herald, as form posts or JSON ("POST" or "POST-JSON" in the account's webhook
 * settings), each signed with the Secret's {@code signatureSecret} ({@link VonageSignature}):
 * delivery receipts at {@code …/status} and inbound SMS at {@code …/inbound}. Without a signature
 * secret nothing is accepted: an unsigned receipt or STOP could come from anyone. The signed {@code
 * timestamp} must be within {@link #MAX_AGE} of now, and the operator refuses a repeat of a
 * signature for twice as long; each receipt is honoured once by its message id.
 */
final class VonageCallbacks {
  /** How far a signed timestamp may be from now (the Vonage SDK's own check allows as much). */
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  /** Vonage's SMS message ids (16 hex digits, or a UUID on newer platforms). */
  private static final Pattern MESSAGE_ID =
      Pattern.compile(
          "^([0-9A-Fa-f]{16}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$");

  private static final Pattern DIGITS = Pattern.compile("^[0-9]{6,15}$");

  private VonageCallbacks() {}

  static List<Callback> all() {
    return List.of(new Status(), new Inbound());
  }

  /** The request's parameters once its signature verified. */
  static Map<String, String> verified(
      CallbackRequest request, Map<String, String> secret, Instant now) {
    String signatureSecret = secret.get("signatureSecret");
    if (signatureSecret == null || signatureSecret.isBlank()) {
      throw CallbackRefused.notConfigured("signatureSecret");
    }
    VonageSignature.Method method = VonageSignature.Method.of(secret.get("signatureMethod"));
    if (method == null) {
      throw CallbackRefused.notConfigured("valid signatureMethod");
    }
    boolean json = isJson(request.header("Content-Type"));
    Map<String, String> params = json ? jsonParams(request) : request.form();
    String sig = params.get(VonageSignature.SIG);
    if (sig == null || sig.isBlank()) {
      throw CallbackRefused.unsigned("the sig parameter is missing");
    }
    Instant signedAt = timestamp(params.get(VonageSignature.TIMESTAMP));
    if (signedAt == null) {
      throw CallbackRefused.unsigned("the timestamp parameter is missing or not Unix seconds");
    }
    if (Duration.between(signedAt, now).abs().compareTo(MAX_AGE) > 0) {
      throw CallbackRefused.unsigned(
          "the signature's timestamp is more than " + MAX_AGE.toMinutes() + " minutes off");
    }
    if (!VonageSignature.verifies(params, signatureSecret.strip(), method, json)) {
      throw CallbackRefused.forged("the sig parameter does not verify");
    }
    return params;
  }

  private static boolean isJson(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).strip().startsWith("application/json");
  }

  /** A flat JSON object's members as strings, as Vonage signs them. */
  private static Map<String, String> jsonParams(CallbackRequest request) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(request.body());
    } catch (IOException e) {
      throw CallbackRefused.malformed("body", "not JSON");
    }
    if (root == null || !root.isObject()) {
      throw CallbackRefused.malformed("body", "not a JSON object");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isContainerNode()) {
        throw CallbackRefused.malformed(field.getKey(), "not a string or number");
      }
      params.put(field.getKey(), value.isNull() ? null : value.asText());
    }
    return params;
  }

  private static Instant timestamp(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(Long.parseLong(value.strip()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Vonage writes numbers without the {@code +}; Herald stores them in E.164. */
  static String international(String msisdn) {
    if (msisdn == null) {
      return null;
    }
    String n = msisdn.strip();
    return DIGITS.matcher(n).matches() ? "+" + n : n;
  }

  private abstract static class VonageCallback implements Callback {
    @Override
    public CallbackReport read(CallbackRequest request, Map<String, String> secret, Instant now) {
      Map<String, String> params = verified(request, secret, now);
      return report(
          "vonage:" + params.get(VonageSignature.SIG).strip().toLowerCase(Locale.ROOT), params);
    }

    abstract CallbackReport report(String replayKey, Map<String, String> params);

    @Override
    public CallbackReport.Answer answer(CallbackReport report, CallbackReport.Tally tally) {
      return CallbackReport.Answer.noContent();
    }
  }

  /**
   * Delivery receipts: {@code delivered} moves an SMS delivery to delivered; {@code failed}, {@code
   * rejected} and {@code expired} fail it as undelivered; {@code accepted}, {@code buffered} and
   * {@code unknown} change nothing. A message sent in parts gets a receipt per part, each with its
   * own message id but the same {@code client-ref}, Herald's delivery id: that finds it.
   */
  static final class Status extends VonageCallback {
    @Override
    public String path() {
      return "status";
    }

    @Override
    CallbackReport report(String replayKey, Map<String, String> params) {
      String messageId = params.get("messageId");
      String status = params.getOrDefault("status", "").strip().toLowerCase(Locale.ROOT);
      Ref ref = ref(params.get("client-ref"), messageId, international(params.get("msisdn")));
      Receipt receipt =
          ref == null
              ? null
              : switch (status) {
                case "delivered" -> new Receipt.Delivered(ref);
                case "failed", "rejected", "expired" ->
                    new Receipt.Failed(ref, "undelivered", false);
                default -> null;
              };
      Once once =
          messageId == null || messageId.isBlank()
              ? null
              : new Once("vonage-status", messageId + ":" + status);
      return new CallbackReport(replayKey, List.of(new Notice(once, receipt)), null);
    }

    private static Ref ref(String clientRef, String messageId, String to) {
      if (clientRef != null && isUuid(clientRef.strip())) {
        return Ref.delivery(clientRef.strip());
      }
      if (messageId == null || messageId.isBlank()) {
        return null;
      }
      return Ref.providerMessage(
          messageId.strip(), MESSAGE_ID.matcher(messageId.strip()).matches(), to);
    }

    private static boolean isUuid(String s) {
      try {
        return s.length() == 36 && UUID.fromString(s) != null;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  /**
   * Inbound SMS: STOP and START as carriers match them ({@link SmsKeywords}); Vonage takes no reply
   * here.
   */
  static final class Inbound extends VonageCallback {
    @Override
    public String path() {
      return "inbound";
    }

    @Override
    CallbackReport report(String replayKey, Map<String, String> params) {
      String messageId = params.get("messageId");
      Once once =
          messageId == null || messageId.isBlank()
              ? null
              : new Once("vonage-inbound", messageId.strip());
      Receipt receipt =
          SmsKeywords.receipt(international(params.get("msisdn")), params.getOrDefault("text", ""));
      return new CallbackReport(replayKey, List.of(new Notice(once, receipt)), null);
    }
  }
}
