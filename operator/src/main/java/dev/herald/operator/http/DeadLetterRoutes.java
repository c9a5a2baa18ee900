package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Channel;
import dev.herald.core.Json;
import dev.herald.core.store.DeadLetters;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A tenant's dead letters: {@code GET /v1/dead-letters} lists them (oldest failure first, by
 * notification, reason or channel), {@code POST /v1/dead-letters/requeue} sends a selection again.
 */
final class DeadLetterRoutes {
  static final int MAX_PAGE = 1000;
  static final int MAX_IDS = 1000;
  private static final Set<String> REQUEUE_FIELDS =
      Set.of("notification", "reason", "channel", "deliveries", "all");
  private static final String REASONS = String.join(", ", new TreeSet<>(DeadLetters.REASONS));

  private final DeadLetters deadLetters;

  DeadLetterRoutes(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  void mount(Router router, ApiKeys keys) {
    blocking(
        router.get("/v1/dead-letters").handler(keys.require(Scope.SEND, Scope.READ)), this::list);
    blocking(
        router.post("/v1/dead-letters/requeue").handler(keys.require(Scope.SEND)), this::requeue);
  }

  private void list(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    UUID notification = uuidParam(ctx, "notification", "must be a notification id");
    String reason = ctx.queryParams().get("reason");
    if (reason != null && !DeadLetters.REASONS.contains(reason)) {
      throw Problem.invalid("reason", "must be one of " + REASONS);
    }
    String channelParam = ctx.queryParams().get("channel");
    Channel channel = channelParam == null ? null : Channel.fromWire(channelParam);
    if (channelParam != null && channel == null) {
      throw Problem.invalid("channel", "must be one of email, sms, push");
    }
    int limit = QueryParams.intParam(ctx, "limit", 100, 1, MAX_PAGE);
    DeadLetters.Cursor after = null;
    String afterParam = ctx.queryParams().get("after");
    if (afterParam != null) {
      try {
        after = DeadLetters.Cursor.parse(afterParam);
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("after", "must be the cursor of a previous page");
      }
    }
    DeadLetters.Selection selection =
        new DeadLetters.Selection(tenant, notification, reason, channel, List.of());
    List<DeadLetters.DeadLetter> page = deadLetters.list(selection, after, limit);
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("deadLetters");
    for (DeadLetters.DeadLetter d : page) {
      ObjectNode item = items.addObject();
      item.put("delivery", d.deliveryId().toString());
      item.put("notification", d.notificationId().toString());
      item.put("resource", d.resourceName());
      item.put("channel", d.channel().wireName());
      item.put("address", d.address());
      item.put("reason", d.reason());
      item.put("provider", d.provider());
      item.put("errorCode", d.errorCode());
      item.put("error", d.error());
      item.put("attempts", d.attempts());
      item.put("failedAt", d.failedAt().toString());
      item.put("requeueable", d.requeueable());
    }
    if (page.size() == limit) {
      out.put("next", page.get(page.size() - 1).cursor().token());
    }
    json(ctx, 200, out);
  }

  private void requeue(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    JsonBody body = JsonBody.read(ctx, REQUEUE_FIELDS);
    UUID notification =
        body.string("notification", false, 36, DeadLetterRoutes::uuid, "must be a notification id");
    String reason =
        body.string(
            "reason",
            false,
            32,
            r -> DeadLetters.REASONS.contains(r) ? r : null,
            "must be one of " + REASONS);
    Channel channel =
        body.string("channel", false, 8, Channel::fromWire, "must be one of email, sms, push");
    List<UUID> deliveries = deliveryIds(body);
    Boolean all = body.bool("all", false);
    body.validOrThrow();
    DeadLetters.Selection selection =
        new DeadLetters.Selection(tenant, notification, reason, channel, deliveries);
    if (selection.isEverything() && !Boolean.TRUE.equals(all)) {
      throw Problem.invalid(
          "all",
          "name a notification, reason, channel or deliveries, or set all to true "
              + "to requeue every dead letter of the namespace");
    }
    DeadLetters.Requeued requeued = deadLetters.requeue(selection);
    json(
        ctx,
        200,
        Json.MAPPER
            .createObjectNode()
            .put("requeued", requeued.deliveries())
            .put("notifications", requeued.notifications()));
  }

  private static List<UUID> deliveryIds(JsonBody body) {
    JsonNode node = body.node().get("deliveries");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.isEmpty() || node.size() > MAX_IDS) {
      body.error("deliveries", "must be a list of 1 to " + MAX_IDS + " delivery ids");
      return List.of();
    }
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      UUID id = node.get(i).isTextual() ? uuid(node.get(i).asText()) : null;
      if (id == null) {
        body.error("deliveries[" + i + "]", "must be a delivery id");
      } else {
        ids.add(id);
      }
    }
    return ids;
  }

  /** A UUID in its canonical form, or null. */
  private static UUID uuid(String s) {
    try {
      UUID id = UUID.fromString(s);
      return id.toString().equals(s.toLowerCase(java.util.Locale.ROOT)) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static UUID uuidParam(RoutingContext ctx, String name, String expected) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return null;
    }
    UUID id = uuid(v);
    if (id == null) {
      throw Problem.invalid(name, expected);
    }
    return id;
  }
}
