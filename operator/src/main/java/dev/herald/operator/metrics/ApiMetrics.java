package dev.herald.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code herald_api_requests_seconds{method, route, status}}: each request of the HTTP API under
 * the template of the route that serves it ({@code /v1/users/:id}, never the path itself: ids and
 * addresses stay out of labels), {@code unmatched} when none does. The route is found from the
 * router's own templates at the end of the request, because a request that fails (a 401, a 400) is
 * finished by the failure handler, which no longer knows the route that threw.
 */
public final class ApiMetrics {
  /** A route's template as a pattern. */
  private record Template(String path, Set<HttpMethod> methods, Pattern pattern) {
    boolean matches(HttpMethod method, String requestPath) {
      return (methods == null || methods.isEmpty() || methods.contains(method))
          && pattern.matcher(requestPath).matches();
    }
  }

  private static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;
  private final Router router;
  private volatile List<Template> templates;

  public ApiMetrics(MeterRegistry registry, Router router) {
    this.registry = registry;
    this.router = router;
  }

  /** The first handler of every request: times it until its response has ended. */
  public void begin(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(
        done ->
            Timer.builder("herald.api.requests")
                .description("Requests of the HTTP API by route template and status")
                .tag("method", ctx.request().method().name())
                .tag("route", route(ctx.request().method(), path(ctx)))
                .tag("status", String.valueOf(ctx.response().getStatusCode()))
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    ctx.next();
  }

  /**
   * The path as the router matched it; null for one it could not read (a malformed percent-escape
   * makes Vert.x's normalisation throw, and a throw here would keep the connection open).
   */
  private static String path(RoutingContext ctx) {
    try {
      return ctx.normalizedPath();
    } catch (RuntimeException e) {
      return null;
    }
  }

  String route(HttpMethod method, String path) {
    if (path == null) {
      return UNMATCHED;
    }
    for (Template t : templates()) {
      if (t.matches(method, path)) {
        return t.path();
      }
    }
    return UNMATCHED;
  }

  /**
   * The routes that serve requests (not the catch-alls: slow-client checks, body parsing), read
   * once all are mounted, in the router's order.
   */
  private List<Template> templates() {
    List<Template> known = templates;
    if (known == null) {
      known = new ArrayList<>();
      for (Route r : router.getRoutes()) {
        String path = r.getPath();
        if (path == null || path.endsWith("*")) {
          continue;
        }
        known.add(new Template(path, r.methods(), pattern(path)));
      }
      templates = known = List.copyOf(known);
    }
    return known;
  }

  /** {@code /v1/users/:id} → {@code /v1/users/[^/]+}, the rest taken literally. */
  private static Pattern pattern(String template) {
    List<String> parts = new ArrayList<>();
    for (String segment : template.split("/", -1)) {
      parts.add(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
    }
    return Pattern.compile(String.join("/", parts));
  }
}
