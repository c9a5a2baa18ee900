package dev.herald.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics port: {@code /metrics} in Prometheus' text format, and any probes a component adds
 * ({@code /healthz}, {@code /readyz}). The JDK's own HTTP server on virtual threads: a scrape every
 * few seconds needs no framework, and a dispatcher has no HTTP server otherwise.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * A probe: empty when all is well, otherwise what is wrong (said in the 503's body, never
   * personal data).
   */
  @FunctionalInterface
  public interface Probe {
    Optional<String> problem();
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code /metrics} from {@code scrape} and each probe at its path ({@code 200
   * {"status":"ok"}} or {@code 503 {"status":"unavailable","reason":…}}).
   */
  public static MetricsServer start(
      MetricsSettings settings, Supplier<String> scrape, Map<String, Probe> probes) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("0.0.0.0", settings.port()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on port " + settings.port() + " (HERALD_METRICS_PORT)", e);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange -> {
          if (!exact(exchange, "/metrics")) {
            return;
          }
          answer(exchange, 200, PROMETHEUS_TEXT, scrape.get());
        });
    probes.forEach(
        (path, probe) ->
            server.createContext(
                path,
                exchange -> {
                  if (!exact(exchange, path)) {
                    return;
                  }
                  Optional<String> problem;
                  try {
                    problem = probe.problem();
                  } catch (RuntimeException e) {
                    problem = Optional.of(e.getClass().getSimpleName());
                  }
                  answer(
                      exchange,
                      problem.isEmpty() ? 200 : 503,
                      "application/json",
                      problem.isEmpty()
                          ? "{\"status\":\"ok\"}"
                          : "{\"status\":\"unavailable\",\"reason\":\""
                              + jsonText(problem.get())
                              + "\"}");
                }));
    server.start();
    LOG.info("metrics on port {}", server.getAddress().getPort());
    return new MetricsServer(server, executor);
  }

  /** Contexts match by prefix: {@code /metricsX} is not {@code /metrics}. */
  private static boolean exact(HttpExchange exchange, String path) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      answer(exchange, 404, "application/json", "{\"status\":\"not found\"}");
      return false;
    }
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      answer(exchange, 405, "application/json", "{\"status\":\"method not allowed\"}");
      return false;
    }
    return true;
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private static String jsonText(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
