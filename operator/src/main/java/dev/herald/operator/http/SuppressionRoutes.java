package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;
import static dev.herald.operator.http.Responses.noContent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.Channel;
import dev.herald.core.Json;
import dev.herald.core.store.ContactStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Address suppressions: {@code /v1/suppressions} (list, add) and {@code
 * /v1/suppressions/{channel}/{address}}.
 */
final class SuppressionRoutes {
  static final String MANUAL = "manual";
  private static final Set<String> FIELDS = Set.of("channel", "address", "reason");

  private final ContactStore contacts;

  SuppressionRoutes(ContactStore contacts) {
    this.contacts = contacts;
  }

  void mount(Router router, ApiKeys keys) {
    blocking(
        router.get("/v1/suppressions").handler(keys.require(Scope.CONTACTS, Scope.READ)),
        this::list);
    blocking(router.post("/v1/suppressions").handler(keys.require(Scope.CONTACTS)), this::add);
    blocking(
        router.delete("/v1/suppressions/:channel/:address").handler(keys.require(Scope.CONTACTS)),
        this::remove);
  }

  private void list(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String channelParam = ctx.queryParams().get("channel");
    Channel channel = channelParam == null ? null : Channel.fromWire(channelParam);
    if (channelParam != null && channel == null) {
      throw Problem.invalid("channel", "must be one of email, sms, push");
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("suppressions");
    contacts
        .suppressions(tenant, channel, 1000)
        .forEach(
            s ->
                items
                    .addObject()
                    .put("channel", s.channel())
                    .put("address", s.address())
                    .put("reason", s.reason())
                    .put("createdAt", s.createdAt().toString()));
    json(ctx, 200, out);
  }

  private void add(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    JsonBody body = JsonBody.read(ctx, FIELDS);
    Channel channel =
        body.string("channel", true, 8, Channel::fromWire, "must be one of email, sms, push");
    String raw = body.string("address", true, 4096);
    String reason = body.has("reason") ? body.string("reason", false, 63) : MANUAL;
    String address = channel == null || raw == null ? null : address(channel, raw);
    if (channel != null && raw != null && address == null) {
      body.error("address", "is not a valid " + channel.wireName() + " address");
    }
    body.validOrThrow();
    contacts.suppress(tenant, channel, address, reason);
    json(
        ctx,
        201,
        Json.MAPPER
            .createObjectNode()
            .put("channel", channel.wireName())
            .put("address", address)
            .put("reason", reason));
  }

  private void remove(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    Channel channel = Channel.fromWire(ctx.pathParam("channel"));
    String address = channel == null ? null : address(channel, ctx.pathParam("address"));
    if (address == null || !contacts.unsuppress(tenant, channel, address)) {
      throw Problem.notFound("suppression");
    }
    noContent(ctx);
  }

  /** An address in the form deliveries store it, or null. */
  static String address(Channel channel, String raw) {
    return switch (channel) {
      case EMAIL -> ContactFormats.email(raw);
      case SMS -> ContactFormats.phone(raw);
      case PUSH -> raw.isBlank() || raw.length() > 4096 ? null : raw;
    };
  }
}
