package dev.herald.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.ProviderType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
  private static final List<String> KEYS = List.of("apiKey", "accountSid", "authToken", "apiKeySid", "apiKeySecret",
      "signingKey", "caCertificate", "serviceAccount", "vapidPublicKey", "vapidPrivateKey", "webhookVerificationKey",
      "apiSecret", "signatureSecret", "signatureMethod");

  @Provide
  Arbitrary<Map<String, String>> secrets() {
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(6).ofMaxLength(80).map(v -> "secret-" + v),
        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(32).map(v -> "AC" + v),
        Arbitraries.of("{\"type\":\"service_account\",\"private_key\":\"secret-pk\"}", "-----BEGIN PRIVATE KEY-----secret"),
        Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(20).map(v -> "k3y" + v),
        Arbitraries.of("sha256-secret", "md5hashx", "sha3secret"));
    return Arbitraries.maps(Arbitraries.of(KEYS), values).ofMaxSize(KEYS.size());
  }

  @Property(tries = 300)
  void problemsNameKeysAndNeverAValue(@ForAll("secrets") Map<String, String> secret,
      @ForAll ProviderType type) {
    List<String> problems = PROVIDERS.of(type).credentialProblems(new HashMap<>(secret));
    for (String value : secret.values()) {
      assertThat(problems).noneMatch(p -> p.contains(value));
    }
    assertThat(problems).allMatch(p -> p.startsWith("key ") || p.startsWith("needs key"));
  }

  @Property(tries = 50)
  void anEmptySecretNamesWhatIsMissing(@ForAll ProviderType type) {
    List<String> problems = PROVIDERS.of(type).credentialProblems(Map.of());
    assertThat(problems).isNotEmpty();
    for (String key : type.requiredSecretKeys()) {
      assertThat(problems).anyMatch(p -> p.contains(key));
    }
  }
}
