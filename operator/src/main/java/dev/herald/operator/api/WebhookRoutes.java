package dev.herald.operator.api;

import static dev.herald.operator.api.Responses.blocking;
import static dev.herald.operator.api.Responses.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sendgrid.helpers.eventwebhook.EventWebhook;
import com.sendgrid.helpers.eventwebhook.EventWebhookHeader;
import com.twilio.security.RequestValidator;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.store.WebhookReceipts;
import dev.herald.core.store.EarlyReceipts.Result;
import dev.herald.api.provider.ProviderType;
import dev.herald.core.Json;
import dev.herald.core.log.Mask;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider callbacks, each verified with the provider's own SDK before anything changes:
 * <ul>
 *   <li>{@code POST /v1/webhooks/sendgrid/{namespace}/{provider}}: SendGrid's Event Webhook, ECDSA
 *       signed (the provider Secret's {@code webhookVerificationKey}, the public key SendGrid shows);
 *   <li>{@code POST /v1/webhooks/twilio/{namespace}/{provider}/status}: Twilio status callbacks;
 *   <li>{@code POST /v1/webhooks/twilio/{namespace}/{provider}/inbound}: inbound SMS (STOP, START, HELP),
 *       both signed with {@code X-Twilio-Signature} (the provider Secret's {@code authToken}).
 * </ul>
 * Unsigned, stale or replayed → 401; a wrong signature → 403; nothing changes in either case. A
 * receipt that comes before its delivery is recorded as sent is kept and applied then; when the
 * tenant already holds as many such receipts as it may, the callback is refused with 503 (and may
 * be sent again: it is not counted as a replay), so that the provider retries it.
 */
final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  static final String SENDGRID_KEY = "webhookVerificationKey";
  static final String TWILIO_SIGNATURE = "X-Twilio-Signature";
  /** The CTIA opt-out keywords (and Twilio's), matched by {@link #keyword}: {@code STOP ALL}, {@code opt-out}, … */
  static final Set<String> STOP = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");
  static final Set<String> START = Set.of("START", "YES", "UNSTOP");
  static final Set<String> HELP = Set.of("HELP", "INFO");
  static final String STOP_REASON = "stop";
  /** Twilio's message SIDs (SMS and MMS): anything else cannot name a message of ours. */
  private static final java.util.regex.Pattern MESSAGE_SID = java.util.regex.Pattern.compile("^(SM|MM)[0-9a-fA-F]{32}$");
  private static final String REPLAY_KEY = "herald.replayKey";
  /** Twilio's error for a message to a number that replied STOP. */
  static final String TWILIO_UNSUBSCRIBED = "21610";

  static {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private final ProviderSecrets secrets;
  private final Receipts receipts;
  /** Callbacks honoured before, by provider id, in Postgres: a replay has no effect, even after a restart. */
  private final WebhookReceipts honoured;
  private final Clock clock;
  /** Signatures already honoured within {@link #MAX_AGE}: a replay of one is rejected. */
  private final Cache<String, Boolean> seen = Caffeine.newBuilder().expireAfterWrite(MAX_AGE.multipliedBy(2))
      .maximumSize(1_000_000).build();

  WebhookRoutes(ProviderSecrets secrets, Receipts receipts, WebhookReceipts honoured, Clock clock) {
    this.secrets = secrets;
    this.receipts = receipts;
    this.honoured = honoured;
    this.clock = clock;
  }

  void mount(Router router) {
    blocking(router.post("/v1/webhooks/sendgrid/:namespace/:provider"), this::sendgrid);
    blocking(router.post("/v1/webhooks/twilio/:namespace/:provider/status"), this::twilioStatus);
    blocking(router.post("/v1/webhooks/twilio/:namespace/:provider/inbound"), this::twilioInbound);
  }

  private void sendgrid(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    String publicKey = secrets.of(ns, ctx.pathParam("provider"), ProviderType.SENDGRID).get(SENDGRID_KEY);
    if (publicKey == null) {
      throw Problem.notFound("webhook");
    }
    String signature = ctx.request().getHeader(EventWebhookHeader.SIGNATURE.toString());
    String timestamp = ctx.request().getHeader(EventWebhookHeader.TIMESTAMP.toString());
    if (signature == null || timestamp == null) {
      throw Problem.unauthorized("the Event Webhook signature headers are missing");
    }
    try {
      if (Math.abs(Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), clock.instant()).toSeconds())
          > MAX_AGE.toSeconds()) {
        throw Problem.unauthorized("the Event Webhook timestamp is too old or in the future");
      }
    } catch (NumberFormatException e) {
      throw Problem.unauthorized("the Event Webhook timestamp is not a number");
    }
    byte[] payload = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    boolean valid;
    try {
      EventWebhook verifier = new EventWebhook();
      ECPublicKey key = verifier.ConvertPublicKeyToECDSA(publicKey);
      valid = verifier.VerifySignature(key, payload, signature, timestamp);
    } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw Problem.forbidden("the Event Webhook signature does not verify");
    }
    // ECDSA signatures are randomised: a replay is the same timestamp and payload, whatever its signature.
    rejectReplay(ctx, "sendgrid:" + timestamp + ":" + java.util.HexFormat.of().formatHex(ApiKeys.sha256(
        new String(payload, java.nio.charset.StandardCharsets.UTF_8))));
    JsonNode events;
    try {
      events = Json.MAPPER.readTree(payload);
    } catch (java.io.IOException e) {
      throw Problem.malformed("body", "not valid JSON");
    }
    if (events == null || !events.isArray()) {
      throw Problem.malformed("body", "must be a JSON array of events");
    }
    int applied = 0;
    int kept = 0;
    boolean full = false;
    for (JsonNode event : events) {
      Result result = sendgridEvent(ns, ctx.pathParam("provider"), event);
      applied += result == Result.APPLIED ? 1 : 0;
      kept += result == Result.KEPT ? 1 : 0;
      full |= result == Result.FULL;
    }
    if (full) {
      refuse(ctx);
    }
    json(ctx, 200, Json.MAPPER.createObjectNode().put("received", events.size()).put("matched", applied)
        .put("kept", kept));
  }

  private Result sendgridEvent(String ns, String provider, JsonNode event) {
    String eventId = event.path("sg_event_id").asText(null);
    if (eventId != null && !eventId.isBlank()) {
      if (!honoured.first(ns, provider, "sendgrid-event", eventId)) {
        return Result.IGNORED;
      }
      Result result;
      try {
        result = sendgridEventOnce(ns, event);
      } catch (RuntimeException e) {
        honoured.forget(ns, provider, "sendgrid-event", eventId);
        throw e;
      }
      if (result == Result.FULL) {
        honoured.forget(ns, provider, "sendgrid-event", eventId);
      }
      return result;
    }
    return sendgridEventOnce(ns, event);
  }

  private Result sendgridEventOnce(String ns, JsonNode event) {
    var target = receipts.byId(ns, event.path("herald_delivery_id").asText(null));
    if (target.isEmpty() || target.get().channel() != Channel.EMAIL) {
      return Result.IGNORED;
    }
    var t = target.get();
    Result result = switch (event.path("event").asText("")) {
      case "delivered" -> receipts.delivered(ns, t);
      case "open" -> receipts.opened(ns, t);
      case "click" -> receipts.clicked(ns, t);
      case "bounce" -> "blocked".equals(event.path("type").asText()) ? receipts.failed(ns, t, "blocked")
          : receipts.bounced(ns, t);
      case "dropped" -> receipts.failed(ns, t, "dropped");
      case "spamreport" -> {
        receipts.suppress(ns, Channel.EMAIL, t.address(), "spam_report");
        yield Result.APPLIED;
      }
      case "unsubscribe", "group_unsubscribe" -> {
        receipts.unsubscribe(ns, t);
        yield Result.APPLIED;
      }
      default -> Result.IGNORED;
    };
    if (result != Result.IGNORED) {
      LOG.info("SendGrid {} for delivery {} ({}): {}", event.path("event").asText(), t.id(), Mask.email(t.address()),
          result.name().toLowerCase(Locale.ROOT));
    }
    return result;
  }

  /** The tenant holds as many early receipts as it may: the provider is to send this one again later. */
  private void refuse(RoutingContext ctx) {
    String replayKey = ctx.get(REPLAY_KEY);
    if (replayKey != null) {
      seen.invalidate(replayKey);
    }
    throw Problem.unavailable("too many receipts wait for their deliveries to be recorded; retry later", 60);
  }

  private Map<String, String> verifiedTwilioForm(RoutingContext ctx) {
    String authToken = secrets.of(ctx.pathParam("namespace"), ctx.pathParam("provider"), ProviderType.TWILIO)
        .get("authToken");
    if (authToken == null) {
      throw Problem.notFound("webhook");
    }
    String signature = ctx.request().getHeader(TWILIO_SIGNATURE);
    if (signature == null || signature.isBlank()) {
      throw Problem.unauthorized("the " + TWILIO_SIGNATURE + " header is missing");
    }
    String body = ctx.body() == null || ctx.body().asString() == null ? "" : ctx.body().asString();
    Map<String, String> params = new LinkedHashMap<>();
    new QueryStringDecoder(body, false).parameters().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
    if (!new RequestValidator(authToken).validate(ctx.request().absoluteURI(), params, signature)) {
      throw Problem.forbidden("the " + TWILIO_SIGNATURE + " does not verify");
    }
    rejectReplay(ctx, "twilio:" + signature);
    return params;
  }

  private void rejectReplay(RoutingContext ctx, String signature) {
    if (seen.asMap().putIfAbsent(signature, Boolean.TRUE) != null) {
      throw Problem.unauthorized("this callback was received before (replay)");
    }
    ctx.put(REPLAY_KEY, signature);
  }

  /**
   * A message as a keyword, the way carriers match them: the whole message, case-insensitive,
   * without surrounding whitespace and punctuation, with spaces, hyphens and underscores inside
   * removed ({@code " Stop all! "} → {@code STOPALL}, {@code opt-out} → {@code OPTOUT}), full-width
   * letters read as letters.
   */
  static String keyword(String body) {
    String s = java.text.Normalizer.normalize(body, java.text.Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    s = s.replaceAll("^[\\s\\p{Punct}\\p{IsPunctuation}]+|[\\s\\p{Punct}\\p{IsPunctuation}]+$", "");
    return s.length() > 32 ? "" : s.replaceAll("[\\s_-]+", "");
  }

  private void twilioStatus(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    Map<String, String> form = verifiedTwilioForm(ctx);
    String sid = form.get("MessageSid");
    String status = form.getOrDefault("MessageStatus", "");
    if (sid != null && !sid.isBlank() && !honoured.first(ns, ctx.pathParam("provider"), "twilio-status",
        sid + ":" + status)) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    try {
      twilioStatus(ctx, ns, form, sid, status);
    } catch (RuntimeException e) {
      if (sid != null && !sid.isBlank()) {
        honoured.forget(ns, ctx.pathParam("provider"), "twilio-status", sid + ":" + status);
      }
      throw e;
    }
  }

  private void twilioStatus(RoutingContext ctx, String ns, Map<String, String> form, String sid, String status) {
    DeliveryState to = switch (status) {
      case "delivered" -> DeliveryState.DELIVERED;
      case "undelivered", "failed" -> DeliveryState.FAILED;
      default -> null;
    };
    var target = receipts.byProviderMessageId(ns, sid);
    Result result = Result.IGNORED;
    if (target.isPresent() && target.get().channel() == Channel.SMS && to != null) {
      var t = target.get();
      result = to == DeliveryState.DELIVERED ? receipts.delivered(ns, t) : receipts.failed(ns, t, "undelivered");
      if (to == DeliveryState.FAILED && TWILIO_UNSUBSCRIBED.equals(form.get("ErrorCode"))) {
        receipts.suppress(ns, Channel.SMS, t.address(), STOP_REASON);
      }
    } else if (target.isEmpty() && to != null && sid != null && MESSAGE_SID.matcher(sid).matches()) {
      // Twilio may call back before the dispatcher has recorded the SID it was given.
      result = receipts.beforeItsSend(ns, sid, Channel.SMS, to, to == DeliveryState.FAILED ? "undelivered" : null);
      String phone = form.get("To") == null ? null : SuppressionRoutes.address(Channel.SMS, form.get("To"));
      if (to == DeliveryState.FAILED && TWILIO_UNSUBSCRIBED.equals(form.get("ErrorCode")) && phone != null) {
        receipts.suppress(ns, Channel.SMS, phone, STOP_REASON);
      }
    }
    if (result == Result.FULL) {
      refuse(ctx);
    }
    ctx.response().setStatusCode(204).end();
  }

  private void twilioInbound(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    Map<String, String> form = verifiedTwilioForm(ctx);
    String from = form.get("From") == null ? null : SuppressionRoutes.address(Channel.SMS, form.get("From"));
    String word = keyword(form.getOrDefault("Body", ""));
    String sid = form.get("MessageSid");
    if (sid != null && !sid.isBlank() && !honoured.first(ns, ctx.pathParam("provider"), "twilio-inbound", sid)) {
      LOG.info("Twilio inbound message in {} received before: no effect", ns);
      ctx.response().setStatusCode(200).putHeader("Content-Type", "text/xml")
          .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
      return;
    }
    try {
      String reply = null;
      if (from != null && STOP.contains(word)) {
        receipts.suppress(ns, Channel.SMS, from, STOP_REASON);
        LOG.info("SMS STOP from {} in {}", Mask.phone(from), ns);
      } else if (from != null && START.contains(word)) {
        receipts.unsuppress(ns, from);
        LOG.info("SMS START from {} in {}", Mask.phone(from), ns);
      } else if (HELP.contains(word)) {
        reply = "Reply STOP to unsubscribe, START to subscribe again.";
      }
      ctx.response().setStatusCode(200).putHeader("Content-Type", "text/xml")
          .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
              + (reply == null ? "" : "<Message>" + reply + "</Message>") + "</Response>");
    } catch (RuntimeException e) {
      if (sid != null && !sid.isBlank()) {
        honoured.forget(ns, ctx.pathParam("provider"), "twilio-inbound", sid);
      }
      throw e;
    }
  }
}
