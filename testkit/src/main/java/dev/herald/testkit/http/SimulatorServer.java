package dev.herald.testkit.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.herald.testkit.ports.FreePorts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The plumbing the plain-HTTP provider simulators share: an HTTP server on 127.0.0.1 and a free
 * port, one virtual thread per request, delays that {@link #close()} cuts short, and the ways of
 * answering (JSON, garbage, a truncated body).
 *
 * <p>The server is Vert.x (an instance of its own, closed with it), whose requests reach the
 * handlers as the JDK server's {@link HttpExchange}: the JDK's own server refused or reset
 * connections beyond about a hundred concurrent clients and served a few thousand requests a
 * second, so under load it measured itself instead of its client.
 */
public final class SimulatorServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Vertx vertx =
      Vertx.vertx(
          new VertxOptions()
              .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
              .setWorkerPoolSize(1));
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<VertxExchange> open = ConcurrentHashMap.newKeySet();

  private SimulatorServer(HttpHandler handler) throws IOException {
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(FreePorts.LOOPBACK.getHostAddress())
                .setPort(0)
                .setAcceptBacklog(4096)
                .setHandle100ContinueAutomatically(true)
                .setMaxHeaderSize(64 * 1024)
                .setMaxInitialLineLength(16 * 1024));
    server.requestHandler(
        request -> {
          Context context = vertx.getOrCreateContext();
          request
              .body()
              .onComplete(
                  body -> {
                    if (body.failed() || closing.getCount() == 0) {
                      request.connection().close();
                      return;
                    }
                    VertxExchange exchange = new VertxExchange(request, body.result(), context);
                    serve(handler, exchange);
                  });
        });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting", e);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      throw new IOException(
          "cannot listen on " + FreePorts.LOOPBACK, e.getCause() == null ? e : e.getCause());
    }
  }

  private void serve(HttpHandler handler, VertxExchange exchange) {
    open.add(exchange);
    try {
      executor.execute(
          () -> {
            try {
              handler.handle(exchange);
              exchange.close();
            } catch (Throwable e) {
              exchange.abort();
            } finally {
              open.remove(exchange);
            }
          });
    } catch (RejectedExecutionException e) {
      open.remove(exchange);
      exchange.abort();
    }
  }

  /** Starts serving every path with {@code handler}; {@code what} names the simulator in errors. */
  public static SimulatorServer start(String what, HttpHandler handler) {
    try {
      return new SimulatorServer(Objects.requireNonNull(handler, "handler"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + what + " simulator", e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://" + host();
  }

  /**
   * Waits for {@code delay}; true if the server started closing meanwhile (drop the exchange then).
   */
  public boolean awaitClosing(Duration delay) {
    try {
      return closing.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Stops listening, ends pending delays and closes open connections. */
  @Override
  public void close() {
    if (closing.getCount() == 0) {
      return;
    }
    closing.countDown();
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // closing anyway: what is left goes with the executor
    }
    executor.shutdownNow();
    open.forEach(VertxExchange::abort);
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // its threads end with the JVM
    }
  }

  // ---- requests -------------------------------------------------------------------------------

  /** A request body, or only the fact that it exceeded the limit it was read with. */
  public record Body(byte[] bytes, boolean tooLarge) {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Reads the whole body, keeping at most {@code maxBytes} of it. */
  public static Body readBody(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (total + n <= maxBytes) {
        kept.write(buffer, 0, n);
      }
      total += n;
    }
    return total > maxBytes ? new Body(new byte[0], true) : new Body(kept.toByteArray(), false);
  }

  // ---- responses ------------------------------------------------------------------------------

  /** Answers {@code status} with {@code body} serialised as JSON. */
  public static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    sendBytes(exchange, status, "application/json; charset=utf-8", bytes);
  }

  public static void sendBytes(HttpExchange exchange, int status, String contentType, byte[] bytes)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Answers as {@code kind} says: {@link Malformation#GARBAGE_BODY} with 200 and an HTML body
   * labelled JSON; {@link Malformation#TRUNCATED} with {@code status}, a JSON content type, part of
   * a body and a dropped connection.
   */
  public static void sendMalformed(HttpExchange exchange, Malformation kind, int status)
      throws IOException {
    switch (kind) {
      case GARBAGE_BODY ->
          sendBytes(
              exchange,
              200,
              "application/json",
              "<html><body>upstream connect error or disconnect/reset before headers</body></html>"
                  .getBytes(StandardCharsets.UTF_8));
      case TRUNCATED -> {
        byte[] partial = "{\"sid\":\"SM".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, 1024);
        OutputStream out = exchange.getResponseBody();
        out.write(partial);
        out.flush();
        // Left open on purpose: closing the exchange with bytes still owed makes the JDK server
        // drop the connection (closing the stream first would leave the client waiting).
        exchange.close();
      }
    }
  }
}
