package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.core.Json;
import dev.herald.core.log.Mask;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Source;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.notification.AcceptRequest;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.TemplateCatalog;
import dev.herald.operator.validation.FieldError;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Transactional sends: {@code POST /v1/notifications} (with {@code Idempotency-Key}), {@code GET}
 * and {@code DELETE /v1/notifications/{id}}. The body is a Notification spec and goes through the
 * same schema and {@link NotificationAcceptance} as a Notification CR.
 */
final class NotificationRoutes {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_PAGE = 500;

  /** Fields of a Notification spec that only make sense on a CR. */
  private static final List<String> CR_ONLY = List.of("ttlSecondsAfterFinished");

  private final NotificationAcceptance acceptance;
  private final NotificationStore store;
  private final TemplateCatalog catalog;

  NotificationRoutes(
      NotificationAcceptance acceptance, NotificationStore store, TemplateCatalog catalog) {
    this.acceptance = acceptance;
    this.store = store;
    this.catalog = catalog;
  }

  void mount(Router router, ApiKeys keys) {
    blocking(router.post("/v1/notifications").handler(keys.require(Scope.SEND)), this::send);
    blocking(
        router.get("/v1/notifications/:id").handler(keys.require(Scope.SEND, Scope.READ)),
        this::get);
    blocking(
        router.delete("/v1/notifications/:id").handler(keys.require(Scope.SEND)), this::cancel);
  }

  private void send(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null
        && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 32 && c < 127))) {
      throw Problem.invalid(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters");
    }
    ObjectNode body = JsonBody.object(ctx);
    List<FieldError> errors =
        new java.util.ArrayList<>(
            acceptance.validate(body).stream()
                .map(e -> new FieldError(withoutSpec(e.field()), e.message()))
                .toList());
    CR_ONLY.stream()
        .filter(body::has)
        .forEach(f -> errors.add(new FieldError(f, "only valid on a Notification resource")));
    if (!errors.isEmpty()) {
      throw Problem.invalid(errors);
    }
    // The canonical form: the same JSON with its keys in another order or other spacing is the same
    // request.
    String hash = HexFormat.of().formatHex(ApiKeys.sha256(StrictJson.canonical(body)));
    String legacyHash = HexFormat.of().formatHex(ApiKeys.sha256(body.toString()));
    if (key != null) {
      Optional<NotificationRecord> earlier = store.findBySource(tenant, Source.API, key);
      if (earlier.isPresent()) {
        answerRepeat(ctx, earlier.get(), hash, legacyHash);
        return;
      }
    }
    NotificationSpec spec;
    try {
      spec = Json.MAPPER.treeToValue(body, NotificationSpec.class);
    } catch (JsonProcessingException e) {
      throw Problem.malformed("body", "cannot be read as a notification");
    }
    AcceptRequest request =
        AcceptRequest.of(
            tenant,
            Source.API,
            key != null ? key : UUID.randomUUID().toString(),
            null,
            spec,
            key == null ? null : hash);
    NotificationStore.Accepted accepted;
    try {
      accepted =
          acceptance.accept(
              request,
              catalog.template(tenant, spec.getTemplate()).orElse(null),
              catalog.providers(tenant));
    } catch (ReconcileProblem p) {
      String field = p.field() != null ? withoutSpec(p.field()) : templateField(p.getMessage());
      String message =
          p.field() == null ? p.getMessage() : p.getMessage().substring(p.field().length() + 2);
      throw Problem.invalid(field, message);
    }
    if (!accepted.created()) {
      // A concurrent request with the same key won the insert.
      answerRepeat(ctx, accepted.notification(), hash, legacyHash);
      return;
    }
    accepted(ctx, accepted.notification());
  }

  /**
   * {@code legacyHash}: how a body was hashed before the canonical form (its keys as sent), for
   * keys stored then.
   */
  private void answerRepeat(
      RoutingContext ctx, NotificationRecord earlier, String hash, String legacyHash) {
    if (!store
        .requestHash(earlier)
        .map(h -> h.equals(hash) || h.equals(legacyHash))
        .orElse(false)) {
      throw Problem.invalid(IDEMPOTENCY_KEY, "was used before with a different request body");
    }
    accepted(ctx, earlier);
  }

  private static void accepted(RoutingContext ctx, NotificationRecord r) {
    ctx.response().putHeader("Location", "/v1/notifications/" + r.id());
    json(
        ctx,
        202,
        Json.MAPPER
            .createObjectNode()
            .put("id", r.id().toString())
            .put("createdAt", r.createdAt().toString()));
  }

  /**
   * A render failure names the template's field first ({@code template.email.subject line 1 …});
   * else the body.
   */
  private static String templateField(String message) {
    if (message != null && message.startsWith("template.")) {
      int end = message.indexOf(' ');
      String field = end < 0 ? message : message.substring(0, end);
      return field.endsWith(":") ? field.substring(0, field.length() - 1) : field;
    }
    return "body";
  }

  static String withoutSpec(String field) {
    return field.startsWith("spec.") ? field.substring(5) : field.equals("spec") ? "body" : field;
  }

  private NotificationRecord find(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("notification");
    }
    return store.find(tenant, id).orElseThrow(() -> Problem.notFound("notification"));
  }

  private void get(RoutingContext ctx) {
    NotificationRecord r = find(ctx);
    int limit = QueryParams.intParam(ctx, "limit", 100, 1, MAX_PAGE);
    UUID after = null;
    String afterParam = ctx.queryParams().get("after");
    if (afterParam != null) {
      try {
        after = UUID.fromString(afterParam);
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("after", "must be a delivery id from a previous page");
      }
    }
    NotificationStore.Summary summary = store.summary(r);
    DeliveryCounts counts = store.counts(r);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", r.id().toString());
    out.put("source", summary.source());
    out.put("template", summary.template());
    out.put("category", summary.category());
    out.put("priority", summary.priority());
    ArrayNode channels = out.putArray("channels");
    summary.channels().forEach(c -> channels.add(c.wireName()));
    out.put("createdAt", r.createdAt().toString());
    putInstant(out, "sendAt", r.sendAt());
    putInstant(out, "expiresAt", r.expiresAt());
    putInstant(out, "cancelledAt", r.cancelledAt());
    ObjectNode countsNode = out.putObject("counts");
    long total = 0;
    ObjectNode byState = countsNode.putObject("byState");
    ObjectNode byChannel = countsNode.putObject("byChannel");
    for (Map.Entry<Channel, Map<DeliveryState, Long>> c : counts.byChannel().entrySet()) {
      ObjectNode ch = byChannel.putObject(c.getKey().wireName());
      for (Map.Entry<DeliveryState, Long> s : c.getValue().entrySet()) {
        ch.put(s.getKey().wireName(), s.getValue());
        byState.put(
            s.getKey().wireName(), byState.path(s.getKey().wireName()).asLong() + s.getValue());
        total += s.getValue();
      }
    }
    countsNode.put("total", total);
    ArrayNode deliveries = out.putArray("deliveries");
    List<NotificationStore.DeliveryView> page = store.deliveries(r, after, limit);
    for (NotificationStore.DeliveryView d : page) {
      ObjectNode item = deliveries.addObject();
      item.put("id", d.id().toString());
      item.put("user", d.userId());
      item.put("channel", d.channel().wireName());
      item.put("address", Mask.address(d.channel().wireName(), d.address()));
      item.put("state", d.state().wireName());
      item.put("reason", d.failureReason());
      item.put("attempts", d.attempts());
      putInstant(item, "sentAt", d.sentAt());
      putInstant(item, "updatedAt", d.updatedAt());
    }
    if (page.size() == limit) {
      out.put(
          "next",
          "/v1/notifications/"
              + r.id()
              + "?limit="
              + limit
              + "&after="
              + page.get(page.size() - 1).id());
    }
    json(ctx, 200, out);
  }

  private void cancel(RoutingContext ctx) {
    NotificationRecord r = find(ctx);
    NotificationStore.Cancellation c = store.cancel(r);
    // inFlight: deliveries a dispatcher held at that instant; stopped too, unless their provider
    // call was already under way.
    json(
        ctx,
        200,
        Json.MAPPER
            .createObjectNode()
            .put("id", r.id().toString())
            .put("cancelled", c.cancelled() + c.inFlight())
            .put("inFlight", c.inFlight()));
  }

  private static void putInstant(ObjectNode node, String name, java.time.Instant value) {
    if (value != null) {
      node.put(name, value.toString());
    }
  }
}
