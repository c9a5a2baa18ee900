package dev.herald.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.sandbox.local.HeraldApi;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Sends notifications through Herald's HTTP API as an application would, and says when each was
 * accepted.
 */
final class Traffic {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One accepted send: the notification's id and when the API answered. */
  record Accepted(UUID notification, Instant at) {}

  private final HeraldApi api;

  Traffic(HeraldApi api) {
    this.api = api;
  }

  /**
   * Sends one notification, retrying the same request (same Idempotency-Key) while the API is
   * unreachable or overloaded, for up to two minutes.
   *
   * @param recipients each recipient's JSON object, e.g. {@code {"email":"a@b.example"}}
   */
  Accepted send(
      String key,
      String idempotencyKey,
      String template,
      List<String> channels,
      String priority,
      String data,
      List<String> recipients) {
    String body =
        "{\"template\":\""
            + template
            + "\",\"channels\":[\""
            + String.join("\",\"", channels)
            + "\"],\"priority\":\""
            + priority
            + "\",\"data\":"
            + data
            + ",\"recipients\":["
            + String.join(",", recipients)
            + "]}";
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    HeraldApi.Answer last = null;
    while (Instant.now().isBefore(deadline)) {
      last = api.send("POST", "/v1/notifications", key, body, idempotencyKey);
      if (last.status() == 202 || last.status() == 200) {
        Instant at = Instant.now();
        return new Accepted(idOf(last.body()), at);
      }
      if (last.status() >= 400
          && last.status() < 500
          && last.status() != 429
          && last.status() != 408) {
        break; // a refusal: sending it again changes nothing
      }
      BenchSystem.pause(Duration.ofMillis(100));
    }
    throw new IllegalStateException(
        "send "
            + idempotencyKey
            + " was not accepted: "
            + (last == null ? "no answer" : last.status() + " " + last.body()));
  }

  static UUID idOf(String body) {
    try {
      JsonNode answer = JSON.readTree(body);
      return UUID.fromString(answer.path("id").asText());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("the API's answer names no notification: " + body, e);
    }
  }

  static String email(String address) {
    return "{\"email\":\"" + address + "\"}";
  }

  static String phone(String number) {
    return "{\"phone\":\"" + number + "\"}";
  }

  static String user(String id) {
    return "{\"user\":\"" + id + "\"}";
  }
}
