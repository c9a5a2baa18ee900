package dev.herald.operator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.core.webpush.WebPushKeys;
import java.util.Set;

/**
 * A device as {@code POST} and {@code DELETE /v1/users/{id}/devices} take it, checked and
 * normalised: {@code {"platform", "token"}} for an APNs or FCM token, or for a browser {@code
 * {"platform": "web", "subscription": PushSubscription.toJSON()}} — the endpoint with its {@code
 * keys.p256dh} and {@code keys.auth}. A subscription is stored under its endpoint, which is its
 * {@code token} in answers. Invalid fields are reported on the body.
 *
 * @param webPushKeys the subscription's keys; null for a token (and for a removal, which needs only
 *     the endpoint)
 */
record DeviceFields(String platform, String token, WebPushKeys webPushKeys) {
  static final Set<String> NAMES = Set.of("platform", "token", "subscription");
  private static final Set<String> PLATFORMS = Set.of("ios", "android", "web");
  private static final Set<String> SUBSCRIPTION_FIELDS =
      Set.of("endpoint", "expirationTime", "keys");
  private static final Set<String> KEY_FIELDS = Set.of("p256dh", "auth");

  /** Whether the device is being registered (keys required) or removed (the endpoint is enough). */
  enum Purpose {
    REGISTER,
    REMOVE
  }

  static DeviceFields read(JsonBody body, WebPushEndpoints endpoints, Purpose purpose) {
    String platform = body.string("platform", true, 16);
    if (platform != null && !PLATFORMS.contains(platform)) {
      body.error("platform", "must be one of ios, android, web");
      platform = null;
    }
    JsonNode subscription = body.node().get("subscription");
    if (subscription != null && !subscription.isNull()) {
      if (body.has("token")) {
        body.error("subscription", "give either token or subscription, not both");
        return new DeviceFields(platform, null, null);
      }
      if (platform != null && !platform.equals("web")) {
        body.error("subscription", "a Web Push subscription is a web device: platform must be web");
        return new DeviceFields(platform, null, null);
      }
      return subscription(body, subscription, platform, endpoints, purpose);
    }
    String token = body.string("token", true, 4096);
    if (platform == null || token == null) {
      return new DeviceFields(platform, null, null);
    }
    if (platform.equals("web") && WebPushEndpoints.isEndpoint(token)) {
      return endpointAsToken(body, token, endpoints, purpose);
    }
    String normalised = ContactFormats.deviceToken(platform, token);
    if (normalised == null) {
      body.error("token", ContactFormats.tokenFormat(platform));
    }
    return new DeviceFields(platform, normalised, null);
  }

  /**
   * A bare endpoint names a subscription to remove; it cannot register one, having no keys to
   * encrypt to.
   */
  private static DeviceFields endpointAsToken(
      JsonBody body, String endpoint, WebPushEndpoints endpoints, Purpose purpose) {
    if (purpose == Purpose.REGISTER) {
      body.error(
          "token",
          "a Web Push endpoint needs its keys: send the browser's PushSubscription as"
              + " subscription {endpoint, keys: {p256dh, auth}}");
      return new DeviceFields("web", null, null);
    }
    var problem = endpoints.formProblem(endpoint);
    problem.ifPresent(p -> body.error("token", p));
    return new DeviceFields("web", problem.isPresent() ? null : endpoint, null);
  }

  private static DeviceFields subscription(
      JsonBody body, JsonNode node, String platform, WebPushEndpoints endpoints, Purpose purpose) {
    if (!node.isObject()) {
      body.error("subscription", "must be an object (the browser's PushSubscription.toJSON())");
      return new DeviceFields(platform, null, null);
    }
    JsonBody sub = JsonBody.of(node, "subscription.", body, SUBSCRIPTION_FIELDS);
    String endpoint = sub.string("endpoint", true, WebPushEndpoints.MAX_LENGTH);
    if (endpoint != null) {
      var problem =
          purpose == Purpose.REGISTER
              ? endpoints.registrationProblem(endpoint)
              : endpoints.formProblem(endpoint);
      if (problem.isPresent()) {
        sub.error("endpoint", problem.get());
        endpoint = null;
      }
    }
    JsonNode expiration = node.get("expirationTime");
    if (expiration != null
        && !expiration.isNull()
        && !(expiration.isIntegralNumber() && expiration.asLong() >= 0)) {
      sub.error("expirationTime", "must be null or a time in milliseconds since the epoch");
    }
    JsonNode keysNode = node.get("keys");
    if (keysNode == null || keysNode.isNull()) {
      if (purpose == Purpose.REGISTER) {
        sub.error("keys", "required: {p256dh, auth} as the browser gives them");
      }
      return new DeviceFields(platform, endpoint, null);
    }
    if (!keysNode.isObject()) {
      sub.error("keys", "must be an object {p256dh, auth}");
      return new DeviceFields(platform, endpoint, null);
    }
    JsonBody keys = JsonBody.of(keysNode, "subscription.keys.", body, KEY_FIELDS);
    String p256dh = keys.string("p256dh", true, 128);
    String auth = keys.string("auth", true, 64);
    if (p256dh != null) {
      WebPushKeys.p256dhProblem(p256dh).ifPresent(p -> keys.error("p256dh", p));
    }
    if (auth != null) {
      WebPushKeys.authProblem(auth).ifPresent(p -> keys.error("auth", p));
    }
    boolean usable =
        p256dh != null
            && auth != null
            && WebPushKeys.p256dhProblem(p256dh).isEmpty()
            && WebPushKeys.authProblem(auth).isEmpty();
    return new DeviceFields(platform, endpoint, usable ? new WebPushKeys(p256dh, auth) : null);
  }
}
