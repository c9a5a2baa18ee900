package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;

import dev.herald.core.Json;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /v1/unsubscribe/{token}}: RFC 8058 one-click unsubscribe from the link in an e-mail's
 * {@code List-Unsubscribe} header. The token is signed and expires; a forged, expired or unknown
 * one is a 404 and changes nothing.
 */
final class UnsubscribeRoutes {
  private final Optional<UnsubscribeLinks> links;
  private final Receipts receipts;

  UnsubscribeRoutes(Optional<UnsubscribeLinks> links, Receipts receipts) {
    this.links = links;
    this.receipts = receipts;
  }

  void mount(Router router) {
    blocking(router.post("/v1/unsubscribe/:token"), this::unsubscribe);
  }

  private void unsubscribe(RoutingContext ctx) {
    var claim =
        links
            .flatMap(l -> l.verify(ctx.pathParam("token")))
            .orElseThrow(() -> Problem.notFound("unsubscribe link"));
    var target =
        receipts
            .byId(claim.tenant(), claim.deliveryId().toString())
            .orElseThrow(() -> Problem.notFound("unsubscribe link"));
    receipts.unsubscribe(claim.tenant(), target);
    json(ctx, 200, Json.MAPPER.createObjectNode().put("unsubscribed", true));
  }
}
