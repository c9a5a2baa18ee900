package dev.herald.operator.http;

import dev.herald.core.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * Shared bits of the resource classes: JSON answers, and running store calls off the event loop.
 */
final class Responses {
  private Responses() {}

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Json.write(body));
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  /**
   * Runs {@code handler} (which talks to Postgres) on a worker thread; what it throws becomes a
   * problem.
   */
  static Route blocking(Route route, Handler<RoutingContext> handler) {
    return route.blockingHandler(
        ctx -> {
          try {
            handler.handle(ctx);
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        },
        false);
  }

  /** The path parameter {@code name}, checked as a user id (an invalid one cannot exist: 404). */
  static String userId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ContactFormats.userId(id)) {
      throw Problem.notFound("user");
    }
    return id;
  }
}
