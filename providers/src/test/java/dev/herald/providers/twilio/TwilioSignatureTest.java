package dev.herald.providers.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.security.RequestValidator;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Herald verifies Twilio's signature with the JDK alone; the twilio SDK's own validator, on this
 * module's test class path only, is the reference: both accept the same signatures, and neither a
 * changed parameter, URL or token.
 */
class TwilioSignatureTest {

  @Provide
  Arbitrary<String> urls() {
    Arbitrary<String> hosts = Arbitraries.of("herald.example", "api.shop.example", "127.0.0.1");
    Arbitrary<String> ports = Arbitraries.of("", ":443", ":8443", ":80");
    Arbitrary<String> paths =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .ofMaxLength(12)
            .map(p -> "/v1/webhooks/twilio/ns/" + p);
    Arbitrary<String> queries = Arbitraries.of("", "?a=1", "?x=%20y&z=2");
    return net.jqwik.api.Combinators.combine(
            Arbitraries.of("https", "http"), hosts, ports, paths, queries)
        .as((scheme, host, port, path, query) -> scheme + "://" + host + port + path + query);
  }

  @Provide
  Arbitrary<Map<String, String>> forms() {
    return Arbitraries.maps(
            Arbitraries.of(
                "MessageSid", "MessageStatus", "To", "From", "Body", "ErrorCode", "a", "B"),
            Arbitraries.strings().ofMaxLength(40))
        .ofMaxSize(8);
  }

  @Property(tries = 300)
  void acceptsWhatTwiliosValidatorAcceptsAndNothingElse(
      @ForAll("urls") String url, @ForAll("forms") Map<String, String> form) {
    String token = "0123456789abcdef0123456789abcdef";
    String signature = TwilioSignature.sign(token, url, form);
    assertThat(new RequestValidator(token).validate(url, form, signature)).isTrue();
    assertThat(TwilioSignature.verifies(token, url, form, signature)).isTrue();

    String otherToken = "fedcba9876543210fedcba9876543210";
    assertThat(TwilioSignature.verifies(otherToken, url, form, signature)).isFalse();
    assertThat(TwilioSignature.verifies(token, url + "x", form, signature)).isFalse();
    Map<String, String> changed = new java.util.HashMap<>(form);
    changed.merge("Body", "!", String::concat);
    assertThat(TwilioSignature.verifies(token, url, changed, signature)).isFalse();
  }

  @Property(tries = 100)
  void aSignatureOverTheUrlWithOrWithoutItsDefaultPortVerifies(
      @ForAll("forms") Map<String, String> form) {
    String token = "0123456789abcdef0123456789abcdef";
    String signedWithPort =
        TwilioSignature.sign(
            token, "https://herald.example:443/v1/webhooks/twilio/ns/p/status", form);
    assertThat(
            TwilioSignature.verifies(
                token,
                "https://herald.example/v1/webhooks/twilio/ns/p/status",
                form,
                signedWithPort))
        .isTrue();
    String signedWithout =
        TwilioSignature.sign(token, "https://herald.example/v1/webhooks/twilio/ns/p/status", form);
    assertThat(
            TwilioSignature.verifies(
                token,
                "https://herald.example:443/v1/webhooks/twilio/ns/p/status",
                form,
                signedWithout))
        .isTrue();
  }
}
