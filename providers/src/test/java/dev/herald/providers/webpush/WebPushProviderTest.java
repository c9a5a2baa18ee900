package dev.herald.providers.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.webpush.Base64Url;
import dev.herald.core.webpush.P256;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.testkit.tls.TestCredentials;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebPushProviderTest {
  private final WebPushProvider provider = new WebPushProvider(WebPushEndpoints.publicOnly());

  @Test
  void aWebPushSecretNamesWhatIsMissingOrWrongAndNeverAValue() {
    var pair = TestCredentials.p256();
    String pub = Base64Url.encode(P256.uncompressed((ECPublicKey) pair.getPublic()));
    byte[] s = ((ECPrivateKey) pair.getPrivate()).getS().toByteArray();
    byte[] scalar = new byte[32];
    System.arraycopy(
        s, Math.max(0, s.length - 32), scalar, Math.max(0, 32 - s.length), Math.min(32, s.length));
    String priv = Base64Url.encode(scalar);

    assertThat(provider.credentialProblems(Map.of("vapidPublicKey", pub, "vapidPrivateKey", priv)))
        .isEmpty();
    assertThat(provider.credentialProblems(Map.of("vapidPublicKey", pub)))
        .containsExactly("key vapidPrivateKey is missing or empty");
    assertThat(provider.credentialProblems(Map.of("vapidPrivateKey", priv, "vapidPublicKey", "x")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("key vapidPublicKey is not").doesNotContain(priv));
  }
}
