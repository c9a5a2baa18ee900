package dev.herald.providers.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.AndroidNotification;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import com.google.firebase.messaging.WebpushConfig;
import com.google.firebase.messaging.WebpushFcmOptions;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.RetryAfter;
import dev.herald.providers.SendResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Sends one push per delivery to an Android device or a browser through FCM's HTTP v1 API. */
final class FcmClient implements ProviderClient {
  /** FCM's error codes (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode). */
  static final ProviderCodeTable<MessagingErrorCode> ERRORS =
      ProviderCodeTable.<MessagingErrorCode>builder()
          .with(
              Meaning.INVALID_ADDRESS,
              MessagingErrorCode.UNREGISTERED,
              MessagingErrorCode.SENDER_ID_MISMATCH)
          // THIRD_PARTY_AUTH_ERROR: the project's APNs / web push credentials, not the recipient
          .with(
              Meaning.RETRY,
              MessagingErrorCode.QUOTA_EXCEEDED,
              MessagingErrorCode.UNAVAILABLE,
              MessagingErrorCode.INTERNAL,
              MessagingErrorCode.THIRD_PARTY_AUTH_ERROR)
          .build();

  /** Google's canonical codes, for answers without an FCM error code. */
  static final ProviderCodeTable<ErrorCode> CANONICAL =
      ProviderCodeTable.<ErrorCode>builder()
          .with(
              Meaning.RETRY,
              ErrorCode.UNAVAILABLE,
              ErrorCode.INTERNAL,
              ErrorCode.RESOURCE_EXHAUSTED,
              ErrorCode.DEADLINE_EXCEEDED,
              ErrorCode.ABORTED,
              ErrorCode.CANCELLED,
              ErrorCode.UNKNOWN,
              // the provider's project or credentials, not the recipient
              ErrorCode.UNAUTHENTICATED,
              ErrorCode.PERMISSION_DENIED,
              ErrorCode.NOT_FOUND)
          .with(
              Meaning.PERMANENT,
              ErrorCode.INVALID_ARGUMENT,
              ErrorCode.FAILED_PRECONDITION,
              ErrorCode.OUT_OF_RANGE,
              ErrorCode.CONFLICT,
              ErrorCode.ALREADY_EXISTS,
              ErrorCode.DATA_LOSS)
          .build();

  /** FCM's limit on what a message carries (data and notification). */
  static final int MAX_PAYLOAD_BYTES = 4096;

  /** A web push {@code Topic} (collapse key): at most 32 URL-safe base64 characters. */
  private static final Pattern WEB_TOPIC = Pattern.compile("^[A-Za-z0-9_-]{1,32}$");

  private final String providerName;
  private final FirebaseApp app;
  private final FirebaseMessaging messaging;
  private final FcmHttpTransport transport;

  FcmClient(
      String providerName,
      FirebaseApp app,
      FirebaseMessaging messaging,
      FcmHttpTransport transport) {
    this.providerName = providerName;
    this.app = app;
    this.messaging = messaging;
    this.transport = transport;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    if (!(content instanceof RenderedPush push)) {
      return new SendResult.Permanent(
          "wrong_content", "provider " + providerName + " sends push only");
    }
    int bytes = payloadBytes(push);
    if (bytes > MAX_PAYLOAD_BYTES) {
      return new SendResult.Permanent(
          "PayloadTooLarge",
          "the FCM payload is " + bytes + " bytes; the limit is " + MAX_PAYLOAD_BYTES);
    }
    Message message;
    try {
      message = message(delivery, push);
    } catch (IllegalArgumentException e) {
      return new SendResult.Permanent(
          "invalid_message", ProviderText.clean(e.getMessage(), "push", delivery.address()));
    }
    try {
      return new SendResult.Accepted(messaging.send(message));
    } catch (FirebaseMessagingException e) {
      return failure(e, delivery.address());
    }
  }

  /** The FCM message: notification and data, and the Android or web push options. */
  static Message message(DeliveryMessage delivery, RenderedPush push) {
    Map<String, String> data = push.data() == null ? Map.of() : push.data();
    boolean high = delivery.priority() == Priority.HIGH;
    Long ttlMillis =
        delivery.expiresAt() == null
            ? null
            : Math.max(0, Duration.between(Instant.now(), delivery.expiresAt()).toMillis());
    Message.Builder message =
        Message.builder()
            .setToken(delivery.address())
            .setNotification(
                Notification.builder().setTitle(push.title()).setBody(push.body()).build())
            .putAllData(data);
    if ("web".equals(delivery.platform())) {
      WebpushConfig.Builder web =
          WebpushConfig.builder().putHeader("Urgency", high ? "high" : "normal");
      if (ttlMillis != null) {
        web.putHeader("TTL", Long.toString(ttlMillis / 1000));
      }
      if (push.collapseKey() != null && WEB_TOPIC.matcher(push.collapseKey()).matches()) {
        web.putHeader("Topic", push.collapseKey());
      }
      String link = data.get("link");
      if (link != null && link.startsWith("https://")) {
        web.setFcmOptions(WebpushFcmOptions.withLink(link));
      }
      message.setWebpushConfig(web.build());
    } else {
      AndroidConfig.Builder android =
          AndroidConfig.builder()
              .setPriority(high ? AndroidConfig.Priority.HIGH : AndroidConfig.Priority.NORMAL);
      if (ttlMillis != null) {
        android.setTtl(ttlMillis);
      }
      if (push.collapseKey() != null) {
        android.setCollapseKey(push.collapseKey());
      }
      if (push.sound() != null || push.badge() != null) {
        AndroidNotification.Builder notification = AndroidNotification.builder();
        if (push.sound() != null) {
          notification.setSound(push.sound());
        }
        if (push.badge() != null) {
          notification.setNotificationCount(push.badge());
        }
        android.setNotification(notification.build());
      }
      message.setAndroidConfig(android.build());
    }
    return message.build();
  }

  private static int payloadBytes(RenderedPush push) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put(
        "notification",
        Map.of("title", push.title(), "body", push.body() == null ? "" : push.body()));
    payload.put("data", push.data() == null ? Map.of() : push.data());
    return Json.write(payload).getBytes(StandardCharsets.UTF_8).length;
  }

  private static SendResult failure(FirebaseMessagingException e, String token) {
    IncomingHttpResponse response = e.getHttpResponse();
    String text = ProviderText.clean(e.getMessage(), "push", token);
    if (response == null) {
      Throwable cause = e.getCause();
      String code =
          cause instanceof InterruptedIOException
                  || (cause != null && cause.getClass().getSimpleName().contains("Timeout"))
              ? "timeout"
              : "io_error";
      return new SendResult.Retry(
          code, cause != null ? cause.getClass().getSimpleName() + ": " + text : text, null);
    }
    int status = response.getStatusCode();
    if (status / 100 == 2) {
      // FCM took the message; only its answer is garbled, so there is no message name to keep
      return new SendResult.Accepted(null);
    }
    MessagingErrorCode fcm = e.getMessagingErrorCode();
    String code =
        fcm != null
            ? fcm.name()
            : e.getErrorCode() != null ? e.getErrorCode().name() : "http_" + status;
    String message = "HTTP " + status + ": " + text;
    Meaning meaning;
    if (fcm == MessagingErrorCode.INVALID_ARGUMENT
        || (fcm == null && e.getErrorCode() == ErrorCode.INVALID_ARGUMENT)) {
      meaning = aboutToken(response, e.getMessage()) ? Meaning.INVALID_ADDRESS : Meaning.PERMANENT;
    } else {
      meaning =
          ERRORS.meaning(
              fcm, CANONICAL.meaning(e.getErrorCode(), ProviderCodeTable.byHttpStatus(status)));
    }
    return meaning.result(code, message, retryAfter(response));
  }

  /** Whether an INVALID_ARGUMENT is about the registration token rather than the message. */
  static boolean aboutToken(IncomingHttpResponse response, String message) {
    if (message != null
        && message.toLowerCase(java.util.Locale.ROOT).contains("registration token")) {
      return true;
    }
    try {
      for (JsonNode detail :
          Json.MAPPER.readTree(response.getContent()).path("error").path("details")) {
        for (JsonNode violation : detail.path("fieldViolations")) {
          if ("message.token".equals(violation.path("field").asText())) {
            return true;
          }
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Google's error JSON: not about the token as far as anyone can tell
    }
    return false;
  }

  /**
   * The provider's {@code Retry-After} (seconds or an HTTP date), as {@link FcmHttpTransport} kept
   * it.
   */
  static Duration retryAfter(IncomingHttpResponse response) {
    Object value = response.getHeaders().get(FcmHttpTransport.ORIGINAL_RETRY_AFTER);
    if (value instanceof List<?> list) {
      value = list.isEmpty() ? null : list.get(0);
    }
    return value == null ? null : RetryAfter.parse(value.toString());
  }

  @Override
  public void close() {
    app.delete();
    transport.shutdown();
  }
}
