package dev.herald.core.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testkit.tls.TestCredentials;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebPushKeysTest {

  /**
   * What a browser's PushSubscription.toJSON() holds: its P-256 public point and a 16-byte secret.
   */
  private static WebPushKeys browserKeys() {
    byte[] point = P256.uncompressed((ECPublicKey) TestCredentials.p256().getPublic());
    byte[] auth = new byte[16];
    new java.security.SecureRandom().nextBytes(auth);
    return new WebPushKeys(Base64Url.encode(point), Base64Url.encode(auth));
  }

  @Test
  void acceptsABrowsersKeysPaddedOrNot() {
    WebPushKeys keys = browserKeys();
    String padded = Base64.getUrlEncoder().encodeToString(keys.p256dhBytes());
    assertThat(WebPushKeys.p256dhProblem(keys.p256dh())).isEmpty();
    assertThat(WebPushKeys.p256dhProblem(padded)).isEmpty();
    assertThat(new WebPushKeys(padded, keys.auth()).p256dh()).isEqualTo(keys.p256dh());
    assertThat(keys.toString()).doesNotContain(keys.auth());
  }

  @Test
  void refusesKeysThatAreNotAPointOnTheCurveOrNotSixteenBytes() {
    byte[] point = browserKeys().p256dhBytes();
    byte[] offCurve = point.clone();
    offCurve[64] ^= 1;
    byte[] compressed = Arrays.copyOf(point, 33);
    compressed[0] = 0x02;
    byte[] wrongPrefix = point.clone();
    wrongPrefix[0] = 0x05;
    for (byte[] bad :
        new byte[][] {offCurve, compressed, wrongPrefix, new byte[65], Arrays.copyOf(point, 64)}) {
      assertThat(WebPushKeys.p256dhProblem(Base64Url.encode(bad))).isPresent();
    }
    assertThat(WebPushKeys.p256dhProblem("not base64!")).hasValue("must be URL-safe base64");
    assertThat(
            WebPushKeys.p256dhProblem(
                Base64.getEncoder().encodeToString(point).replace('-', '+') + "+/"))
        .isPresent();
    assertThat(WebPushKeys.authProblem(Base64Url.encode(new byte[15])))
        .hasValue("must be 16 bytes");
    assertThat(WebPushKeys.authProblem(Base64Url.encode(new byte[16]))).isEmpty();
    assertThatThrownBy(
            () -> new WebPushKeys(Base64Url.encode(offCurve), Base64Url.encode(new byte[16])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vapidKeysMustBeOnePairInTheFormVapidToolsPrint() {
    var pair = TestCredentials.p256();
    String pub = Base64Url.encode(P256.uncompressed((ECPublicKey) pair.getPublic()));
    String priv = Base64Url.encode(scalar((ECPrivateKey) pair.getPrivate()));
    assertThat(
            VapidKeyPair.problems(
                Map.of(VapidKeyPair.PUBLIC_KEY, pub, VapidKeyPair.PRIVATE_KEY, priv)))
        .isEmpty();
    VapidKeyPair parsed =
        VapidKeyPair.from(
            Map.of(VapidKeyPair.PUBLIC_KEY, pub, VapidKeyPair.PRIVATE_KEY, priv + "\n"));
    assertThat(parsed.applicationServerKey()).isEqualTo(pub);
    assertThat(parsed.toString()).doesNotContain(priv);

    assertThat(VapidKeyPair.problems(Map.of()))
        .containsExactly(
            "key vapidPublicKey is missing or empty", "key vapidPrivateKey is missing or empty");
    String otherPriv = Base64Url.encode(scalar((ECPrivateKey) TestCredentials.p256().getPrivate()));
    assertThat(
            VapidKeyPair.problems(
                Map.of(VapidKeyPair.PUBLIC_KEY, pub, VapidKeyPair.PRIVATE_KEY, otherPriv)))
        .containsExactly("keys vapidPublicKey and vapidPrivateKey are not one key pair");
    Map<String, String> garbled =
        new HashMap<>(
            Map.of(
                VapidKeyPair.PUBLIC_KEY,
                pub.substring(2),
                VapidKeyPair.PRIVATE_KEY,
                Base64Url.encode(new byte[32])));
    assertThat(VapidKeyPair.problems(garbled))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).doesNotContain(pub.substring(2)));
    assertThatThrownBy(() -> VapidKeyPair.from(garbled)).hasMessageNotContaining(pub.substring(2));
  }

  static byte[] scalar(ECPrivateKey key) {
    byte[] raw = key.getS().toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
