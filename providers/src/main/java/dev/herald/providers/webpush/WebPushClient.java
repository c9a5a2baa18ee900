package dev.herald.providers.webpush;

import com.interaso.webpush.WebPush;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.core.webpush.EndpointRefusedException;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.core.webpush.WebPushKeys;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.RetryAfter;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Sends one push per delivery to a browser's Web Push subscription: the payload ({@code title},
 * {@code body}, {@code data} as JSON) encrypted to the subscription's keys with aes128gcm (RFC
 * 8291), identified with a VAPID JWT (RFC 8292) for the endpoint's origin, POSTed to the endpoint
 * with {@code TTL} (until the notification expires, else four weeks), {@code Urgency} (high for
 * priority high, low for bulk) and {@code Topic} (the collapse key, when it is one). The endpoint
 * is checked again before the call and its addresses when connecting ({@link
 * PushServiceTransport}).
 */
final class WebPushClient implements ProviderClient {
  /** RFC 8291 §4: one 4096-byte record less its header, tag and padding delimiter. */
  static final int MAX_PLAINTEXT_BYTES = 3993;

  /**
   * What the push service keeps an undelivered message for when the notification does not expire.
   */
  static final Duration DEFAULT_TTL = Duration.ofDays(28);

  /** A {@code Topic}: at most 32 URL-safe base64 characters (RFC 8030 §5.4). */
  private static final Pattern TOPIC = Pattern.compile("^[A-Za-z0-9_-]{1,32}$");

  private static final int MAX_MESSAGE_ID = 512;

  private final String providerName;
  private final WebPush webPush;
  private final WebPushEndpoints endpoints;
  private final PushServiceTransport transport;

  WebPushClient(
      String providerName,
      WebPush webPush,
      WebPushEndpoints endpoints,
      PushServiceTransport transport) {
    this.providerName = providerName;
    this.webPush = webPush;
    this.endpoints = endpoints;
    this.transport = transport;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    return send(delivery, content, null);
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content, WebPushKeys keys) {
    if (!(content instanceof RenderedPush push)) {
      return new SendResult.Permanent(
          "wrong_content", "provider " + providerName + " sends push only");
    }
    String endpoint = delivery.address();
    if (keys == null || !WebPushEndpoints.isEndpoint(endpoint)) {
      return new SendResult.Permanent(
          "not_a_subscription", "the device is not a Web Push subscription with keys");
    }
    Optional<String> refused = endpoints.formProblem(endpoint);
    if (refused.isPresent()) {
      return new SendResult.Permanent(
          "endpoint_refused", "the endpoint " + refused.get(), AddressVerdict.INVALID);
    }
    byte[] plaintext = payload(push);
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      return new SendResult.Permanent(
          "PayloadTooLarge",
          "the web push payload is "
              + plaintext.length
              + " bytes; the limit is "
              + MAX_PLAINTEXT_BYTES);
    }
    Map<String, String> headers =
        webPush.getHeaders(endpoint, ttlSeconds(delivery), topic(push), urgency(delivery));
    byte[] body = webPush.getBody(plaintext, keys.p256dhBytes(), keys.authBytes());
    PushServiceTransport.Answer answer;
    try {
      answer = transport.post(URI.create(endpoint), headers, body);
    } catch (EndpointRefusedException e) {
      return new SendResult.Permanent("endpoint_refused", e.getMessage(), AddressVerdict.INVALID);
    } catch (UnknownHostException e) {
      return new SendResult.Retry("dns_error", "the push endpoint's host does not resolve", null);
    } catch (SocketTimeoutException e) {
      return new SendResult.Retry("timeout", e.getClass().getSimpleName(), null);
    } catch (SSLException e) {
      return new SendResult.Retry(
          "tls_error",
          e.getClass().getSimpleName()
              + ": "
              + ProviderText.clean(e.getMessage(), "push", endpoint),
          null);
    } catch (IOException e) {
      return new SendResult.Retry(
          "io_error",
          e.getClass().getSimpleName()
              + ": "
              + ProviderText.clean(e.getMessage(), "push", endpoint),
          null);
    }
    return result(answer, endpoint);
  }

  private static SendResult result(PushServiceTransport.Answer answer, String endpoint) {
    int status = answer.status();
    if (status / 100 == 2) {
      return new SendResult.Accepted(
          answer.location().filter(l -> l.length() <= MAX_MESSAGE_ID).orElse(null));
    }
    if (status / 100 == 3) {
      // A push service never redirects (RFC 8030): following one could lead anywhere, an internal
      // host included.
      return new SendResult.Permanent(
          "endpoint_redirected",
          "HTTP " + status + ": the push endpoint redirects;" + " redirects are not followed",
          AddressVerdict.INVALID);
    }
    Meaning meaning = PushServiceAnswers.meaning(status);
    String message = "HTTP " + status + ": " + ProviderText.clean(answer.text(), "push", endpoint);
    return meaning.result(
        PushServiceAnswers.code(status),
        message,
        answer.retryAfter().map(RetryAfter::parse).orElse(null));
  }

  /** What the browser's service worker receives: the rendered push as JSON. */
  static byte[] payload(RenderedPush push) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("title", push.title());
    if (push.body() != null) {
      payload.put("body", push.body());
    }
    if (push.data() != null && !push.data().isEmpty()) {
      payload.put("data", push.data());
    }
    return Json.write(payload).getBytes(StandardCharsets.UTF_8);
  }

  static int ttlSeconds(DeliveryMessage delivery) {
    Duration ttl =
        delivery.expiresAt() == null
            ? DEFAULT_TTL
            : Duration.between(Instant.now(), delivery.expiresAt());
    return (int) Math.max(0, Math.min(ttl.toSeconds(), Integer.MAX_VALUE));
  }

  static WebPush.Urgency urgency(DeliveryMessage delivery) {
    return delivery.priority() == Priority.HIGH
        ? WebPush.Urgency.High
        : delivery.priority() == Priority.BULK ? WebPush.Urgency.Low : WebPush.Urgency.Normal;
  }

  private static String topic(RenderedPush push) {
    return push.collapseKey() != null && TOPIC.matcher(push.collapseKey()).matches()
        ? push.collapseKey()
        : null;
  }

  @Override
  public void close() {
    transport.close();
  }
}
