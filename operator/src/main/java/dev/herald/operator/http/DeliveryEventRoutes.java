package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.noContent;

import dev.herald.api.Channel;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code POST /v1/deliveries/{id}/events}: a client app reports that the user opened or clicked a
 * push (`{"event":"opened"|"clicked"}`). Only forward moves; another tenant's delivery is a 404,
 * another user's (for a client app's user token) a 403.
 */
final class DeliveryEventRoutes {
  private static final Set<String> FIELDS = Set.of("event");

  private final Receipts receipts;

  DeliveryEventRoutes(Receipts receipts) {
    this.receipts = receipts;
  }

  void mount(Router router, ApiKeys keys) {
    blocking(
        router.post("/v1/deliveries/:id/events").handler(keys.requireOrTokenUser(Scope.SEND)),
        this::event);
  }

  private void event(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    JsonBody body = JsonBody.read(ctx, FIELDS);
    String event = body.string("event", true, 16);
    if (event != null && !event.equals("opened") && !event.equals("clicked")) {
      body.error("event", "must be opened or clicked");
    }
    body.validOrThrow();
    var target =
        receipts
            .byId(tenant, ctx.pathParam("id"))
            .filter(t -> t.channel() == Channel.PUSH)
            .orElseThrow(() -> Problem.notFound("push delivery"));
    // A client app reports only on pushes to the user its token speaks for.
    ApiKeys.principal(ctx).mustActFor(target.userId());
    if (event.equals("opened")) {
      receipts.opened(tenant, target);
    } else {
      receipts.clicked(tenant, target);
    }
    noContent(ctx);
  }
}
