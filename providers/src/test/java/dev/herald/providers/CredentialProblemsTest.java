package dev.herald.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.tls.TestCredentials;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a Secret holds, every provider's credential check answers without throwing, names keys
 * only, and never repeats a value: problems end up in conditions and Events that any reader of the
 * namespace sees.
 */
class CredentialProblemsTest {
  private static final Providers PROVIDERS = Providers.forChecks();
  private static final List<String> KEYS =
      List.of(
          "apiKey",
          "accountSid",
          "authToken",
          "apiKeySid",
          "apiKeySecret",
          "signingKey",
          "caCertificate",
          "serviceAccount",
          "vapidPublicKey",
          "vapidPrivateKey",
          "webhookVerificationKey",
          "apiSecret",
          "signatureSecret",
          "signatureMethod",
          "username",
          "password");

  @Provide
  Arbitrary<Map<String, String>> secrets() {
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMinLength(6).ofMaxLength(80).map(v -> "secret-" + v),
            Arbitraries.strings()
                .withChars("0123456789abcdefABCDEF")
                .ofLength(32)
                .map(v -> "AC" + v),
            Arbitraries.of(
                "{\"type\":\"service_account\",\"private_key\":\"secret-pk\"}",
                "-----BEGIN PRIVATE KEY-----secret"),
            Arbitraries.strings()
                .alpha()
                .numeric()
                .ofMinLength(6)
                .ofMaxLength(20)
                .map(v -> "k3y" + v),
            Arbitraries.of("sha256-secret", "md5hashx", "sha3secret"));
    return Arbitraries.maps(Arbitraries.of(KEYS), values).ofMaxSize(KEYS.size());
  }

  @Property(tries = 300)
  void problemsNameKeysAndNeverAValue(
      @ForAll("secrets") Map<String, String> secret, @ForAll ProviderType type) {
    List<String> problems = PROVIDERS.of(type).credentialProblems(new HashMap<>(secret));
    for (String value : secret.values()) {
      assertThat(problems).noneMatch(p -> p.contains(value));
    }
    assertThat(problems).allMatch(p -> p.startsWith("key ") || p.startsWith("needs key"));
  }

  @Property(tries = 50)
  void anEmptySecretNamesWhatIsMissingForEveryTypeWithRequiredKeys(@ForAll ProviderType type) {
    Assume.that(!type.requiredSecretKeys().isEmpty());
    List<String> problems = PROVIDERS.of(type).credentialProblems(Map.of());
    assertThat(problems).isNotEmpty();
    for (String key : type.requiredSecretKeys()) {
      assertThat(problems).anyMatch(p -> p.contains(key));
    }
  }

  /** SMTP needs nothing (a relay on a trusted network), but AUTH needs both halves. */
  @Property(tries = 100)
  void smtpAuthIsBothOrNeitherAndTheProblemNamesTheMissingKey(
      @ForAll("present") String username, @ForAll("present") String password) {
    Map<String, String> secret = new HashMap<>();
    if (!username.isEmpty()) {
      secret.put("username", username);
    }
    if (!password.isEmpty()) {
      secret.put("password", password);
    }
    List<String> problems = PROVIDERS.of(ProviderType.SMTP).credentialProblems(secret);
    if (username.isEmpty() == password.isEmpty()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems)
          .singleElement()
          .asString()
          .startsWith("key " + (username.isEmpty() ? "username" : "password") + " is missing");
    }
  }

  @Provide
  Arbitrary<String> present() {
    return Arbitraries.oneOf(
        Arbitraries.just(""),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40));
  }

  @Example
  void smtpChecksTheCaCertificateAndPastedLineBreaks() {
    Provider smtp = PROVIDERS.of(ProviderType.SMTP);
    assertThat(smtp.credentialProblems(Map.of())).isEmpty();
    String pem =
        TestCredentials.pem(
            "CERTIFICATE", encoded(TestCredentials.selfSigned(TestCredentials.p256())));
    assertThat(smtp.credentialProblems(Map.of("caCertificate", pem))).isEmpty();
    assertThat(smtp.credentialProblems(Map.of("caCertificate", pem + pem))).as("a chain").isEmpty();
    for (String broken :
        List.of(
            "not a certificate",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            pem.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"))) {
      assertThat(smtp.credentialProblems(Map.of("caCertificate", broken)))
          .as(broken)
          .containsExactly("key caCertificate is not a PEM X.509 certificate");
    }
    assertThat(
            smtp.credentialProblems(Map.of("username", "ses-user", "password", "secret-value\n")))
        .containsExactly("key password contains a line break or another control character");
  }

  private static byte[] encoded(java.security.cert.X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
