package dev.herald.operator.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.Json;
import dev.herald.operator.validation.FieldError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become {@code application/problem+json}: a {@link Problem} thrown by
 * a handler, the router's own 404/405/413/415, and anything unexpected (500, logged without the
 * request's content).
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String MEDIA_TYPE = "application/problem+json";
  static final String TYPE_BASE = "https://herald.dev/problems/";

  private Problems() {}

  static void install(Router router) {
    router.route().failureHandler(Problems::handle);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, Problems::handle);
    }
  }

  static void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    write(ctx.response(), toProblem(ctx));
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Problem p) {
      return p;
    }
    if (failure instanceof IllegalArgumentException
        && failure.getMessage() != null
        && failure.getMessage().contains("Invalid")) {
      return Problem.malformed("path", "the request path is not valid");
    }
    int status = ctx.statusCode();
    String path = safePath(ctx);
    return switch (status) {
      case 400 -> Problem.malformed("body", "the request cannot be read");
      case 404 -> Problem.notFound("route " + ctx.request().method() + " " + path);
      case 405 ->
          Problem.of(
              405,
              "method-not-allowed",
              "Method not allowed",
              ctx.request().method() + " is not allowed on " + path);
      case 413 -> Problem.tooLarge();
      case 415 ->
          Problem.of(
              415, "unsupported-media-type", "Unsupported media type", "send application/json");
      default -> {
        // Neither the exception's message nor the concrete path: driver messages can carry bound
        // values, and paths carry addresses (/v1/suppressions/email/…) and unsubscribe tokens.
        LOG.error(
            "{} {} failed: {} at {}",
            ctx.request().method(),
            pathShape(path),
            failure == null ? "status " + status : failure.getClass().getName(),
            failure == null || failure.getStackTrace().length == 0
                ? "?"
                : failure.getStackTrace()[0]);
        yield Problem.of(
            500, "internal", "Internal error", "the request failed; it has been logged");
      }
    };
  }

  /**
   * The request's path, decoded, for messages: the raw path when it does not decode (the error path
   * must never throw), without control characters.
   */
  static String safePath(RoutingContext ctx) {
    String raw = ctx.request().path() == null ? "/" : ctx.request().path();
    String decoded = RequestTarget.decode(raw, false);
    String path = decoded != null ? decoded : raw;
    if (path.length() > 200) {
      path = path.substring(0, 200) + "…";
    }
    return path.replaceAll("\\p{Cntrl}", "?");
  }

  /**
   * {@code /v1/<collection>} and a {@code *} for each segment after it: what a log may show of a
   * path.
   */
  static String pathShape(String path) {
    String[] segments = path.split("/", -1);
    StringBuilder shape = new StringBuilder();
    for (int i = 1; i < segments.length; i++) {
      shape.append('/').append(i <= 2 ? segments[i] : "*");
    }
    return shape.isEmpty() ? "/" : shape.toString();
  }

  static void write(HttpServerResponse response, Problem p) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", TYPE_BASE + p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    if (p.getMessage() != null) {
      body.put("detail", dev.herald.core.log.Printable.of(p.getMessage()));
    }
    if (!p.errors().isEmpty()) {
      body.put("field", dev.herald.core.log.Printable.of(p.errors().get(0).field()));
      ArrayNode errors = body.putArray("errors");
      for (FieldError e : p.errors()) {
        errors
            .addObject()
            .put("field", dev.herald.core.log.Printable.of(e.field()))
            .put("message", dev.herald.core.log.Printable.of(e.message()));
      }
    }
    if (p.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(p.retryAfterSeconds()));
    }
    response.setStatusCode(p.status()).putHeader("Content-Type", MEDIA_TYPE).end(Json.write(body));
  }
}
