package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.Json;
import dev.herald.core.webpush.Base64Url;
import dev.herald.core.webpush.P256;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.operator.validation.FieldError;
import dev.herald.testkit.tls.TestCredentials;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Device bodies of {@code /v1/users/{id}/devices}: tokens, and browsers' Web Push subscriptions.
 */
class DeviceFieldsTest {
  private static final String P256DH =
      Base64Url.encode(P256.uncompressed((ECPublicKey) TestCredentials.p256().getPublic()));
  private static final String AUTH =
      Base64Url.encode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  /** Every name resolves through this table: no test here looks anything up. */
  private static final Map<String, String> DNS =
      Map.of(
          "fcm.googleapis.com",
          "142.250.74.110",
          "push.attacker.com",
          "127.0.0.1",
          "meta.attacker.com",
          "169.254.169.254");

  private static final WebPushEndpoints ENDPOINTS =
      WebPushEndpoints.resolvingWith(
          host -> {
            if (!DNS.containsKey(host)) {
              throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(DNS.get(host))};
          });

  private record Read(DeviceFields device, Map<String, String> errors) {}

  private static Read read(String json, DeviceFields.Purpose purpose) {
    JsonBody body =
        JsonBody.of(
            (ObjectNode) Json.read(json, com.fasterxml.jackson.databind.JsonNode.class),
            DeviceFields.NAMES);
    DeviceFields device = DeviceFields.read(body, ENDPOINTS, purpose);
    return new Read(
        device,
        body.errors().stream()
            .collect(
                Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a + "; " + b)));
  }

  private static String subscription(String endpoint, String p256dh, String auth) {
    return """
        {"platform":"web","subscription":{"endpoint":"%s","expirationTime":null,"keys":{"p256dh":"%s","auth":"%s"}}}"""
        .formatted(endpoint, p256dh, auth);
  }

  @Test
  void aBrowsersSubscriptionIsRegisteredUnderItsEndpointWithItsKeys() {
    Read r =
        read(
            subscription("https://fcm.googleapis.com/fcm/send/abc:APA91b", P256DH, AUTH),
            DeviceFields.Purpose.REGISTER);
    assertThat(r.errors()).isEmpty();
    assertThat(r.device().token()).isEqualTo("https://fcm.googleapis.com/fcm/send/abc:APA91b");
    assertThat(r.device().webPushKeys().p256dh()).isEqualTo(P256DH);
    assertThat(r.device().webPushKeys().auth()).isEqualTo(AUTH);
  }

  @Test
  void anFcmTokenIsStillAWebDevice() {
    Read r =
        read(
            "{\"platform\":\"web\",\"token\":\"fcm-web-1:APA91b" + "k".repeat(120) + "\"}",
            DeviceFields.Purpose.REGISTER);
    assertThat(r.errors()).isEmpty();
    assertThat(r.device().webPushKeys()).isNull();
  }

  @Test
  void aBareEndpointIsRefusedNamingTheFieldButMayNameASubscriptionToRemove() {
    Read bare =
        read(
            "{\"platform\":\"web\",\"token\":\"https://fcm.googleapis.com/fcm/send/abc\"}",
            DeviceFields.Purpose.REGISTER);
    assertThat(bare.errors()).containsOnlyKeys("token");
    assertThat(bare.errors().get("token")).contains("needs its keys");
    Read removal =
        read(
            "{\"platform\":\"web\",\"token\":\"https://fcm.googleapis.com/fcm/send/abc\"}",
            DeviceFields.Purpose.REMOVE);
    assertThat(removal.errors()).isEmpty();
    assertThat(removal.device().token()).isEqualTo("https://fcm.googleapis.com/fcm/send/abc");
  }

  @Test
  void endpointsThatAreNotPublicHttpsHostsAreRefused() {
    for (String endpoint :
        new String[] {
          "https://169.254.169.254/latest/meta-data",
          "https://10.0.0.7/push",
          "https://[::1]/push",
          "https://127.0.0.1/push",
          "http://fcm.googleapis.com/fcm/send/abc",
          "https://localhost/push",
          "https://metadata.google.internal/x",
          "https://push.attacker.com/x",
          "https://meta.attacker.com/x",
          "https://fcm.googleapis.com:8443/x"
        }) {
      Read r = read(subscription(endpoint, P256DH, AUTH), DeviceFields.Purpose.REGISTER);
      assertThat(r.errors()).as(endpoint).containsOnlyKeys("subscription.endpoint");
    }
  }

  @Test
  void keysMustBeABrowsersKeys() {
    Read r =
        read(
            subscription(
                "https://fcm.googleapis.com/fcm/send/abc", "BAAA", Base64Url.encode(new byte[8])),
            DeviceFields.Purpose.REGISTER);
    assertThat(r.errors()).containsOnlyKeys("subscription.keys.p256dh", "subscription.keys.auth");
    assertThat(
            read(
                    "{\"platform\":\"web\",\"subscription\":{\"endpoint\":\"https://fcm.googleapis.com/x\"}}",
                    DeviceFields.Purpose.REGISTER)
                .errors())
        .containsOnlyKeys("subscription.keys");
    assertThat(
            read(
                    "{\"platform\":\"web\",\"subscription\":{\"endpoint\":\"https://fcm.googleapis.com/x\","
                        + "\"keys\":{\"p256dh\":\""
                        + P256DH
                        + "\",\"auth\":\""
                        + AUTH
                        + "\",\"extra\":1},\"other\":2}}",
                    DeviceFields.Purpose.REGISTER)
                .errors())
        .containsOnlyKeys("subscription.keys.extra", "subscription.other");
    assertThat(
            read(
                    "{\"platform\":\"web\",\"subscription\":\"https://fcm.googleapis.com/x\"}",
                    DeviceFields.Purpose.REGISTER)
                .errors())
        .containsOnlyKeys("subscription");
  }

  @Test
  void aSubscriptionIsForWebOnlyAndNotBesideAToken() {
    assertThat(
            read(
                    subscription("https://fcm.googleapis.com/x", P256DH, AUTH)
                        .replace("\"web\"", "\"android\""),
                    DeviceFields.Purpose.REGISTER)
                .errors())
        .containsOnlyKeys("subscription");
    assertThat(
            read(
                    subscription("https://fcm.googleapis.com/x", P256DH, AUTH)
                        .replace(
                            "{\"platform\":\"web\",", "{\"platform\":\"web\",\"token\":\"t\","),
                    DeviceFields.Purpose.REGISTER)
                .errors())
        .containsOnlyKeys("subscription");
  }
}
