package dev.herald.testkit.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.herald.testkit.ports.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The plumbing the plain-HTTP provider simulators share: the JDK's HTTP server on 127.0.0.1 and a
 * free port, one virtual thread per request, delays that {@link #close()} cuts short, and the ways
 * of answering (JSON, garbage, a truncated body).
 */
public final class SimulatorServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);

  private SimulatorServer(HttpHandler handler) throws IOException {
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server = HttpServer.create(new InetSocketAddress(FreePorts.LOOPBACK, 0), 64);
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
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
    return server.getAddress().getPort();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://" + host();
  }

  /** Waits for {@code delay}; true if the server started closing meanwhile (drop the exchange then). */
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
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
   * labelled JSON; {@link Malformation#TRUNCATED} with {@code status}, a JSON content type, part
   * of a body and a dropped connection.
   */
  public static void sendMalformed(HttpExchange exchange, Malformation kind, int status) throws IOException {
    switch (kind) {
      case GARBAGE_BODY -> sendBytes(exchange, 200, "application/json",
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
