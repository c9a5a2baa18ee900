package dev.herald.testkit.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One message the {@link FcmSimulator} accepted.
 *
 * @param name the {@code projects/<p>/messages/<id>} it answered
 * @param token the target registration token, or {@code null}
 * @param topic the target topic, or {@code null}
 * @param condition the target condition, or {@code null}
 * @param data the top-level {@code data}
 * @param notification {@code notification}, or {@code null}
 * @param android {@code android}, or {@code null}
 * @param webpush {@code webpush}, or {@code null}
 * @param apns {@code apns}, or {@code null}
 * @param validateOnly whether the request only asked for validation (nothing would be delivered)
 * @param message the whole {@code message} object as received (read it, do not modify it)
 */
public record ReceivedFcmMessage(
    String name,
    String token,
    String topic,
    String condition,
    Map<String, String> data,
    JsonNode notification,
    JsonNode android,
    JsonNode webpush,
    JsonNode apns,
    boolean validateOnly,
    JsonNode message) {

  public ReceivedFcmMessage {
    data = Map.copyOf(data);
  }

  /** {@code android.priority} in upper case ({@code HIGH}, {@code NORMAL}), or {@code null}. */
  public String androidPriority() {
    return android == null || !android.hasNonNull("priority")
        ? null
        : android.get("priority").asText().toUpperCase(java.util.Locale.ROOT);
  }

  /** {@code android.ttl} as sent ({@code "3600s"}), or {@code null}. */
  public String androidTtl() {
    return android == null || !android.hasNonNull("ttl") ? null : android.get("ttl").asText();
  }

  /** A {@code webpush.headers} value, or {@code null}. */
  public String webpushHeader(String name) {
    return webpush == null ? null : textOrNull(webpush.path("headers").get(name));
  }

  /** {@code webpush.fcm_options.link}, or {@code null}. */
  public String webpushLink() {
    return webpush == null ? null : textOrNull(webpush.path("fcm_options").get("link"));
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
