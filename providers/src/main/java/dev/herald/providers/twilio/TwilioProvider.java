package dev.herald.providers.twilio;

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
 * Twilio SMS: the Secret's {@code accountSid} with {@code authToken}, or with an API key of that
 * account ({@code apiKeySid}, {@code apiKeySecret}); clients through the twilio SDK ({@link
 * TwilioClients}).
 */
public final class TwilioProvider implements Provider {
  private static final Pattern ACCOUNT_SID = Pattern.compile("^AC[0-9a-fA-F]{32}$");
  private static final Pattern API_KEY_SID = Pattern.compile("^SK[0-9a-fA-F]{32}$");

  @Override
  public ProviderType type() {
    return ProviderType.TWILIO;
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    List<String> problems = new ArrayList<>();
    String sid = secret.get("accountSid");
    if (SecretKeys.blank(sid)) {
      problems.add("key accountSid is missing or empty");
    } else if (!ACCOUNT_SID.matcher(sid.strip()).matches()) {
      problems.add("key accountSid is not an account SID (AC followed by 32 hex digits)");
    }
    boolean token = !SecretKeys.blank(secret.get("authToken"));
    boolean apiKey =
        !SecretKeys.blank(secret.get("apiKeySid")) && !SecretKeys.blank(secret.get("apiKeySecret"));
    if (!token && !apiKey) {
      problems.add("needs key authToken, or keys apiKeySid and apiKeySecret");
    } else if (apiKey && !API_KEY_SID.matcher(secret.get("apiKeySid").strip()).matches()) {
      problems.add("key apiKeySid is not an API key SID (SK followed by 32 hex digits)");
    }
    return problems;
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new TwilioClients().create(config);
  }

  @Override
  public List<Callback> callbacks() {
    return TwilioCallbacks.all();
  }
}
