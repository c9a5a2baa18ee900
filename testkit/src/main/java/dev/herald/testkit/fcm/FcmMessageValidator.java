package dev.herald.testkit.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an FCM HTTP v1 {@code message} the way FCM does and names each problem with the field path
 * FCM reports in its {@code BadRequest} detail ({@code message.token}, {@code message.android.ttl},
 * ...).
 */
final class FcmMessageValidator {
  /** FCM's limit on what a message carries to the device (data and notification). */
  static final int MAX_PAYLOAD_BYTES = 4096;

  static final String INVALID_TOKEN =
      "The registration token is not a valid FCM registration token";

  /**
   * Shape of a registration token: long, URL-safe base64 with {@code :} (real ones are ~150
   * characters).
   */
  static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_:\\-]{16,4096}$");

  private static final Pattern TOPIC = Pattern.compile("^[a-zA-Z0-9\\-_.~%]{1,900}$");
  private static final Pattern DURATION = Pattern.compile("^[0-9]{1,12}(\\.[0-9]{1,9})?s$");
  private static final Set<String> MESSAGE_FIELDS =
      Set.of(
          "name",
          "data",
          "notification",
          "android",
          "webpush",
          "apns",
          "fcm_options",
          "token",
          "topic",
          "condition");
  private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

  /** One entry of a {@code BadRequest} detail's {@code fieldViolations}. */
  record Violation(String field, String description) {}

  private FcmMessageValidator() {}

  /** Every problem with {@code message}; empty if FCM would take it. */
  static List<Violation> validate(JsonNode message) {
    List<Violation> problems = new ArrayList<>();
    if (message == null || !message.isObject()) {
      problems.add(
          new Violation("message", "Invalid value at 'message': a message object is required"));
      return problems;
    }
    message
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!MESSAGE_FIELDS.contains(name)) {
                problems.add(
                    new Violation(
                        "message." + name,
                        "Invalid JSON payload received. Unknown name \""
                            + name
                            + "\" at 'message': Cannot find field."));
              }
            });
    validateTarget(message, problems);
    validateStringMap(message.get("data"), "message.data", true, problems);
    validateNotification(message.get("notification"), "message.notification", problems);
    validateAndroid(message.get("android"), problems);
    validateWebpush(message.get("webpush"), problems);
    validateApns(message.get("apns"), problems);
    if (payloadBytes(message) > MAX_PAYLOAD_BYTES) {
      problems.add(
          new Violation(
              "message",
              "Message is too big: data and notification exceed " + MAX_PAYLOAD_BYTES + " bytes"));
    }
    return problems;
  }

  private static void validateTarget(JsonNode message, List<Violation> problems) {
    int targets = 0;
    for (String t : List.of("token", "topic", "condition")) {
      if (message.hasNonNull(t)) {
        targets++;
      }
    }
    if (targets != 1) {
      problems.add(
          new Violation(
              "message",
              "Exactly one of message.token, message.topic or message.condition "
                  + "must be set; found "
                  + targets));
      return;
    }
    JsonNode token = message.get("token");
    if (token != null && (!token.isTextual() || !TOKEN.matcher(token.asText()).matches())) {
      problems.add(new Violation("message.token", INVALID_TOKEN));
    }
    JsonNode topic = message.get("topic");
    if (topic != null
        && (!topic.isTextual()
            || !TOPIC.matcher(topic.asText().replaceFirst("^/topics/", "")).matches())) {
      problems.add(new Violation("message.topic", "Invalid topic name"));
    }
    JsonNode condition = message.get("condition");
    if (condition != null && (!condition.isTextual() || condition.asText().isBlank())) {
      problems.add(new Violation("message.condition", "Invalid condition expression"));
    }
  }

  private static void validateAndroid(JsonNode android, List<Violation> problems) {
    if (!requireObject(android, "message.android", problems)) {
      return;
    }
    JsonNode priority = android.get("priority");
    if (priority != null
        && (!priority.isTextual()
            || !Set.of("NORMAL", "HIGH").contains(priority.asText().toUpperCase(Locale.ROOT)))) {
      problems.add(
          new Violation(
              "message.android.priority",
              "Invalid value at 'message.android.priority' "
                  + "(type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), \""
                  + priority.asText()
                  + "\""));
    }
    JsonNode ttl = android.get("ttl");
    if (ttl != null && (!ttl.isTextual() || !DURATION.matcher(ttl.asText()).matches())) {
      problems.add(
          new Violation(
              "message.android.ttl",
              "Invalid value at 'message.android.ttl' "
                  + "(type.googleapis.com/google.protobuf.Duration), Field 'ttl', Illegal duration format; duration must end "
                  + "with 's'"));
    }
    requireText(android.get("collapse_key"), "message.android.collapse_key", problems);
    requireText(
        android.get("restricted_package_name"),
        "message.android.restricted_package_name",
        problems);
    validateStringMap(android.get("data"), "message.android.data", true, problems);
    validateNotification(android.get("notification"), "message.android.notification", problems);
  }

  private static void validateWebpush(JsonNode webpush, List<Violation> problems) {
    if (!requireObject(webpush, "message.webpush", problems)) {
      return;
    }
    JsonNode headers = webpush.get("headers");
    validateStringMap(headers, "message.webpush.headers", false, problems);
    if (headers != null && headers.isObject()) {
      JsonNode ttl = headers.get("TTL");
      if (ttl != null && !ttl.asText().matches("^[0-9]{1,10}$")) {
        problems.add(
            new Violation(
                "message.webpush.headers.TTL", "TTL must be a non-negative number of seconds"));
      }
      JsonNode urgency = headers.get("Urgency");
      if (urgency != null && !URGENCIES.contains(urgency.asText())) {
        problems.add(
            new Violation(
                "message.webpush.headers.Urgency", "Urgency must be one of " + URGENCIES));
      }
    }
    validateStringMap(webpush.get("data"), "message.webpush.data", true, problems);
    requireObject(webpush.get("notification"), "message.webpush.notification", problems);
    JsonNode options = webpush.get("fcm_options");
    if (requireObject(options, "message.webpush.fcm_options", problems) && options.has("link")) {
      JsonNode link = options.get("link");
      if (!link.isTextual() || !isHttpsUrl(link.asText())) {
        problems.add(
            new Violation(
                "message.webpush.fcm_options.link", "Invalid link: it must be an HTTPS URL"));
      }
    }
  }

  private static void validateApns(JsonNode apns, List<Violation> problems) {
    if (!requireObject(apns, "message.apns", problems)) {
      return;
    }
    validateStringMap(apns.get("headers"), "message.apns.headers", false, problems);
    requireObject(apns.get("payload"), "message.apns.payload", problems);
  }

  private static void validateNotification(
      JsonNode notification, String path, List<Violation> problems) {
    if (!requireObject(notification, path, problems)) {
      return;
    }
    for (String field : List.of("title", "body", "image")) {
      requireText(notification.get(field), path + "." + field, problems);
    }
  }

  /** An object of strings; {@code data} maps also refuse FCM's reserved keys. */
  private static void validateStringMap(
      JsonNode map, String path, boolean data, List<Violation> problems) {
    if (!requireObject(map, path, problems)) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String key = e.getKey();
      if (!e.getValue().isTextual()) {
        problems.add(
            new Violation(
                path + "." + key,
                "Invalid value at '" + path + "[" + key + "].value' (TYPE_STRING)"));
      }
      if (data
          && (key.equals("from")
              || key.equals("notification")
              || key.equals("message_type")
              || key.startsWith("google.")
              || key.startsWith("gcm."))) {
        problems.add(new Violation(path, "Invalid data payload key: " + key));
      }
    }
  }

  /** False when absent; adds a problem and returns false when present but not an object. */
  private static boolean requireObject(JsonNode node, String path, List<Violation> problems) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isObject()) {
      problems.add(new Violation(path, "Invalid value at '" + path + "': expected an object"));
      return false;
    }
    return true;
  }

  private static void requireText(JsonNode node, String path, List<Violation> problems) {
    if (node != null && !node.isNull() && !node.isTextual()) {
      problems.add(new Violation(path, "Invalid value at '" + path + "' (TYPE_STRING)"));
    }
  }

  /**
   * What the message carries to a device: its data and notification blocks, top-level and per
   * platform.
   */
  static int payloadBytes(JsonNode message) {
    int bytes = 0;
    for (JsonNode block : List.of(message, message.path("android"), message.path("webpush"))) {
      for (String field : List.of("data", "notification")) {
        JsonNode value = block.get(field);
        if (value != null && !value.isNull()) {
          bytes += value.toString().getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    return bytes;
  }

  private static boolean isHttpsUrl(String url) {
    try {
      URI uri = new URI(url);
      return "https".equals(uri.getScheme()) && uri.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }
}
