package dev.herald.providers.vonage;

import dev.herald.api.provider.ProviderType;
import dev.herald.providers.Callback;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SecretKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Vonage SMS: the Secret's {@code apiKey} and {@code apiSecret} send; an optional {@code
 * signatureSecret} (with {@code signatureMethod}) verifies its signed webhooks. Clients through the
 * Vonage SDK ({@link VonageClients}); checks and callbacks need only the JDK.
 */
public final class VonageProvider implements Provider {
  /** Vonage API keys and secrets are short runs of letters and digits. */
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9]{4,64}$");

  @Override
  public ProviderType type() {
    return ProviderType.VONAGE;
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    List<String> problems = new ArrayList<>();
    for (String key : List.of("apiKey", "apiSecret")) {
      String value = secret.get(key);
      if (SecretKeys.blank(value)) {
        problems.add("key " + key + " is missing or empty");
      } else if (!TOKEN.matcher(value.strip()).matches()) {
        problems.add(
            "key "
                + key
                + " is not a Vonage API "
                + (key.equals("apiKey") ? "key" : "secret")
                + " (4 to 64 letters and digits)");
      }
    }
    String method = secret.get("signatureMethod");
    if (!SecretKeys.blank(method) && VonageSignature.Method.of(method) == null) {
      problems.add(
          "key signatureMethod is not one of " + String.join(", ", VonageSignature.Method.NAMES));
    }
    if (!SecretKeys.blank(method) && SecretKeys.blank(secret.get("signatureSecret"))) {
      problems.add(
          "key signatureMethod is set but key signatureSecret is missing: webhooks cannot be verified");
    }
    return problems;
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new VonageClients().create(config);
  }

  @Override
  public List<Callback> callbacks() {
    return VonageCallbacks.all();
  }
}
