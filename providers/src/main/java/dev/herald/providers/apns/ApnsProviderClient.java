package dev.herald.providers.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.herald.api.Priority;
import dev.herald.api.provider.ApnsSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends one push per delivery to an iOS device through APNs, with Pushy. */
final class ApnsProviderClient implements ProviderClient {
  /**
   * APNs' rejection reasons
   * (https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns).
   * Reasons not named here are judged by their HTTP status.
   */
  static final ProviderCodeTable<String> REASONS =
      ProviderCodeTable.<String>builder()
          .with(Meaning.INVALID_ADDRESS, "BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic")
          .with(
              Meaning.RETRY,
              "TooManyRequests",
              "InternalServerError",
              "ServiceUnavailable",
              "Shutdown",
              "IdleTimeout",
              // the provider's credentials, not the recipient: wait for them to be fixed
              "ExpiredProviderToken",
              "InvalidProviderToken",
              "MissingProviderToken",
              "TooManyProviderTokenUpdates",
              "BadCertificate",
              "BadCertificateEnvironment",
              "Forbidden")
          .with(
              Meaning.PERMANENT,
              "PayloadTooLarge",
              "PayloadEmpty",
              "BadCollapseId",
              "BadExpirationDate",
              "BadMessageId",
              "BadPriority",
              "BadTopic",
              "TopicDisallowed",
              "MissingTopic",
              "InvalidPushType",
              "DuplicateHeaders",
              "MissingDeviceToken",
              "BadPath",
              "MethodNotAllowed")
          .build();

  /** APNs' payload limit; VoIP pushes may take 5 KB. */
  static final int MAX_PAYLOAD_BYTES = 4096;

  static final int MAX_VOIP_PAYLOAD_BYTES = 5120;

  /** How long APNs keeps a push for an offline device when the delivery does not expire. */
  static final Duration DEFAULT_STORAGE = Duration.ofDays(30);

  private final String providerName;
  private final ApnsClient apns;
  private final ApnsSettings settings;
  private final Duration timeout;

  ApnsProviderClient(
      String providerName, ApnsClient apns, ApnsSettings settings, Duration timeout) {
    this.providerName = providerName;
    this.apns = apns;
    this.settings = settings;
    this.timeout = timeout;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    if (!(content instanceof RenderedPush push)) {
      return new SendResult.Permanent(
          "wrong_content", "provider " + providerName + " sends push only");
    }
    PushType pushType = PushType.getFromHeaderValue(settings.pushTypeOrDefault().wireName());
    String payload = payload(push, pushType);
    int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
    int limit = pushType == PushType.VOIP ? MAX_VOIP_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    if (bytes > limit) {
      return new SendResult.Permanent(
          "PayloadTooLarge", "the APNs payload is " + bytes + " bytes; the limit is " + limit);
    }
    // background pushes must go with priority 5
    DeliveryPriority priority =
        delivery.priority() == Priority.HIGH && pushType != PushType.BACKGROUND
            ? DeliveryPriority.IMMEDIATE
            : DeliveryPriority.CONSERVE_POWER;
    Instant expiration =
        delivery.expiresAt() != null ? delivery.expiresAt() : Instant.now().plus(DEFAULT_STORAGE);
    SimpleApnsPushNotification notification =
        new SimpleApnsPushNotification(
            delivery.address(),
            settings.topic(),
            payload,
            expiration,
            priority,
            pushType,
            push.collapseKey(),
            delivery.deliveryId());
    PushNotificationResponse<SimpleApnsPushNotification> response;
    try {
      response = apns.sendNotification(notification).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new SendResult.Retry(
          "timeout", "no answer from APNs within " + timeout.toMillis() + " ms", null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new SendResult.Retry(
          "connection_error",
          cause.getClass().getSimpleName()
              + ": "
              + ProviderText.clean(cause.getMessage(), "push", delivery.address()),
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SendResult.Retry("interrupted", "interrupted while waiting for APNs", null);
    }
    if (response.isAccepted()) {
      return new SendResult.Accepted(
          response.getApnsId() != null ? response.getApnsId().toString() : null);
    }
    int status = response.getStatusCode();
    String reason = response.getRejectionReason().orElse(null);
    String message =
        "HTTP "
            + status
            + " "
            + (reason != null ? reason : "(no reason)")
            + response
                .getTokenInvalidationTimestamp()
                .map(t -> "; token invalid since " + t)
                .orElse("");
    return REASONS
        .meaning(reason, ProviderCodeTable.byHttpStatus(status))
        .result(reason != null ? reason : "http_" + status, message, null);
  }

  /** The aps dictionary from the rendered push, with its data as custom properties. */
  static String payload(RenderedPush push, PushType pushType) {
    ApnsPayloadBuilder builder = new SimpleApnsPayloadBuilder();
    if (pushType == PushType.BACKGROUND) {
      builder.setContentAvailable(true);
    } else {
      builder.setAlertTitle(push.title());
      if (push.body() != null) {
        builder.setAlertBody(push.body());
      }
      if (push.sound() != null) {
        builder.setSound(push.sound());
      }
      if (push.badge() != null) {
        builder.setBadgeNumber(push.badge());
      }
      builder.setMutableContent(push.mutableContent());
    }
    if (push.data() != null) {
      push.data().forEach(builder::addCustomProperty);
    }
    return builder.build();
  }

  @Override
  public void close() {
    try {
      apns.close().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException ignored) {
      // the connections are gone either way
    }
  }
}
