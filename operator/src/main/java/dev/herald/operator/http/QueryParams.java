package dev.herald.operator.http;

import io.vertx.ext.web.RoutingContext;

/** Query parameters read the same way by every route: a bad one is a 422 naming it. */
final class QueryParams {
  private QueryParams() {}

  static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.invalid(name, "must be an integer from " + min + " to " + max);
  }
}
