package dev.herald.operator.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Time limits on clients that send slowly or not at all. A connection gets {@code headerTimeout}
 * from its opening, and again after each answer, to complete its next request's headers, however
 * slowly they trickle in; past it the connection is closed. A request whose body makes no progress
 * for {@code bodyIdleTimeout} is answered 408 (problem+json, {@code field: body}) and its
 * connection closed. Whatever the state, a connection on which nothing moves for {@code
 * idleTimeout} is closed by Vert.x itself.
 */
final class SlowClients {
  private final Vertx vertx;
  private final long headerMillis;
  private final long bodyIdleMillis;

  /** Touched only on the event loop that owns each connection; the map itself is shared. */
  private final Map<HttpConnection, Long> headerTimers =
      java.util.Collections.synchronizedMap(new IdentityHashMap<>());

  SlowClients(Vertx vertx, Duration headerTimeout, Duration bodyIdleTimeout) {
    this.vertx = vertx;
    this.headerMillis = Math.max(1, headerTimeout.toMillis());
    this.bodyIdleMillis = Math.max(1, bodyIdleTimeout.toMillis());
  }

  /**
   * For {@code HttpServer.connectionHandler}: the first request's headers are due within the header
   * timeout.
   */
  void connected(HttpConnection connection) {
    armHeaders(connection);
    connection.closeHandler(v -> cancelHeaders(connection));
  }

  /** The first route handler: the headers came; the body is watched until it ends. */
  void request(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    cancelHeaders(connection);
    ctx.addEndHandler(
        v -> {
          if (!headerTimers.containsKey(connection)) {
            armHeaders(connection);
          }
        });
    if (!request.isEnded()) {
      watchBody(ctx);
    }
    ctx.next();
  }

  private void watchBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long period = Math.max(10, Math.min(250, bodyIdleMillis / 4));
    long[] seen = {request.bytesRead(), System.nanoTime()};
    vertx.setPeriodic(
        period,
        id -> {
          if (request.isEnded() || ctx.response().ended() || ctx.response().closed()) {
            vertx.cancelTimer(id);
            return;
          }
          long read = request.bytesRead();
          long now = System.nanoTime();
          if (read != seen[0]) {
            seen[0] = read;
            seen[1] = now;
          } else if (Duration.ofNanos(now - seen[1]).toMillis() >= bodyIdleMillis) {
            vertx.cancelTimer(id);
            if (!ctx.response().headWritten()) {
              ctx.response().putHeader("Connection", "close");
              Problems.write(
                  ctx.response(),
                  Problem.of(
                      408,
                      "request-timeout",
                      "Request timeout",
                      "the request body made no progress for " + bodyIdleMillis + " ms",
                      java.util.List.of(
                          new dev.herald.operator.validation.FieldError("body", "incomplete"))));
            }
            request.connection().close();
          }
        });
  }

  private void armHeaders(HttpConnection connection) {
    long timer =
        vertx.setTimer(
            headerMillis,
            id -> {
              if (headerTimers.remove(connection) != null) {
                connection.close();
              }
            });
    Long previous = headerTimers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void cancelHeaders(HttpConnection connection) {
    Long timer = headerTimers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
