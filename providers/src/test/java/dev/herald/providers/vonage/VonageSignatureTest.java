package dev.herald.providers.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import com.vonage.client.auth.VonageReference;
import dev.herald.testkit.vonage.VonageSimulator;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Herald verifies Vonage's signed webhooks with the JDK alone; the Vonage SDK's own signing and
 * verification (on this module's test class path only) are the reference, and the simulator's
 * signing a third, independent one: all accept the same signatures, and none a changed parameter,
 * secret or hash.
 */
class VonageSignatureTest {

  @Provide
  Arbitrary<Map<String, String>> params() {
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(30),
            Arbitraries.strings().withChars("ab&=_ +").ofMinLength(1).ofMaxLength(10),
            Arbitraries.of(
                "delivered", "447700900000", "0A0000001234ABCD", "2026-12-03 10:00:00", "Stop ✋"));
    return Arbitraries.maps(
            Arbitraries.of(
                "msisdn",
                "to",
                "messageId",
                "status",
                "err-code",
                "client-ref",
                "text",
                "api-key",
                "nonce",
                "message-timestamp",
                "a&b",
                "x=y"),
            values)
        .ofMinSize(1)
        .ofMaxSize(10);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of(VonageSignature.Method.NAMES);
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(8).ofMaxLength(48);
  }

  @Property(tries = 400)
  void acceptsWhatTheVonageSdkSignsAndNothingElse(
      @ForAll("params") Map<String, String> form,
      @ForAll("methods") String method,
      @ForAll("secrets") String secret) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> signed = new HashMap<>(form);
    signed.putAll(VonageReference.sign(form, secret, method, now));
    VonageSignature.Method m = VonageSignature.Method.of(method);

    assertThat(VonageSignature.verifies(signed, secret, m, false)).isTrue();
    assertThat(VonageReference.verifies(signed, secret, method, now * 1000)).isTrue();
    assertThat(VonageSimulator.signature(signed, secret, method)).isEqualTo(signed.get("sig"));
    Map<String, String> upper = new HashMap<>(signed);
    upper.put("sig", signed.get("sig").toUpperCase(java.util.Locale.ROOT));
    assertThat(VonageSignature.verifies(upper, secret, m, false)).as("hex in either case").isTrue();

    assertThat(VonageSignature.verifies(signed, secret + "x", m, false)).isFalse();
    VonageSignature.Method other =
        m == VonageSignature.Method.SHA256
            ? VonageSignature.Method.SHA512
            : VonageSignature.Method.SHA256;
    assertThat(VonageSignature.verifies(signed, secret, other, false)).isFalse();
    Map<String, String> changed = new HashMap<>(signed);
    changed.merge("status", "!", String::concat);
    assertThat(VonageSignature.verifies(changed, secret, m, false)).isFalse();
    assertThat(VonageReference.verifies(changed, secret, method, now * 1000)).isFalse();
    Map<String, String> unsigned = new HashMap<>(signed);
    unsigned.remove("sig");
    assertThat(VonageSignature.verifies(unsigned, secret, m, false)).isFalse();
  }

  @Property(tries = 200)
  void whatHeraldSignsTheSdkAccepts(
      @ForAll("params") Map<String, String> form,
      @ForAll("methods") String method,
      @ForAll("secrets") String secret) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> signed = new HashMap<>(form);
    signed.put("timestamp", Long.toString(now));
    signed.put(
        "sig", VonageSignature.sign(signed, secret, VonageSignature.Method.of(method), false));
    assertThat(VonageReference.verifies(signed, secret, method, now * 1000)).isTrue();
  }

  @Property(tries = 50)
  void onlyVonagesFiveMethodsAreKnown(@ForAll("secrets") String name) {
    assertThat(VonageSignature.Method.of(name)).isNull();
    assertThat(VonageSignature.Method.of(" SHA256 ")).isEqualTo(VonageSignature.Method.SHA256);
    assertThat(VonageSignature.Method.of(null))
        .as("md5hash unless set")
        .isEqualTo(VonageSignature.Method.MD5HASH);
  }
}
