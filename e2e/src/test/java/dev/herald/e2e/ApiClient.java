package dev.herald.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of the operator's HTTP API for tests. */
final class ApiClient {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** An answer: status, headers and the body (parsed when JSON). */
  record Answer(int status, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return raw.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + raw.body(), e);
      }
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  HttpRequest.Builder request(
      String method, String path, String key, String body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return b;
  }

  Answer send(String method, String path, String key, String body, Map<String, String> headers) {
    try {
      HttpResponse<String> r =
          http.send(
              request(method, path, key, body, headers).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Answer send(String method, String path, String key, String body) {
    return send(method, path, key, body, Map.of());
  }

  Answer get(String path, String key) {
    return send("GET", path, key, null);
  }

  HttpClient http() {
    return http;
  }
}
