package dev.herald.sandbox.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP client of the operator's API on 127.0.0.1: what a caller of Herald sends, with no
 * Herald code in between. A request that cannot reach the API answers status -1 (the operator may
 * be down for a while: callers retry).
 */
public final class HeraldApi {
  /** An answer: its status (-1 when the API could not be reached) and body. */
  public record Answer(int status, String body) {}

  private final int port;
  private final HttpClient http;

  public HeraldApi(int port) {
    this.port = port;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The status of one request; {@code key}, {@code body} and {@code idempotencyKey} may be null.
   */
  public int status(String method, String path, String key, String body, String idempotencyKey) {
    return call(method, path, key, body, idempotencyKey, HttpResponse.BodyHandlers.discarding())
        .status();
  }

  /** One request, with the answer's body. */
  public Answer send(String method, String path, String key, String body, String idempotencyKey) {
    return call(method, path, key, body, idempotencyKey, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code POST /v1/imports/users} with a body streamed from {@code body} (CSV or NDJSON, as {@code
   * contentType} says): an import of a million users takes about a minute, so the request waits up
   * to {@code patience} rather than the usual 30 s.
   */
  public Answer importUsers(
      String key,
      String contentType,
      java.util.function.Supplier<java.io.InputStream> body,
      Duration patience) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url() + "/v1/imports/users"))
            .timeout(patience)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofInputStream(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "");
    }
  }

  /** Waits until {@code /readyz} answers 200; false when {@code patience} ran out first. */
  public boolean awaitReady(Duration patience) {
    return dev.herald.sandbox.process.Polling.until(
        () -> status("GET", "/readyz", null, null, null) == 200, patience, Duration.ofMillis(200));
  }

  private <T> Answer call(
      String method,
      String path,
      String key,
      String body,
      String idempotencyKey,
      HttpResponse.BodyHandler<T> handler) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    try {
      HttpResponse<T> response = http.send(b.build(), handler);
      return new Answer(response.statusCode(), response.body() instanceof String s ? s : "");
    } catch (IOException e) {
      return new Answer(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "");
    }
  }
}
