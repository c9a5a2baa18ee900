package dev.herald.providers.sendgrid;

import dev.herald.api.provider.ProviderType;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.providers.Callback;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SecretKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SendGrid e-mail: the Secret's {@code apiKey}; clients through sendgrid-java ({@link
 * SendGridClients}).
 */
public final class SendGridProvider implements Provider {
  private final Optional<UnsubscribeLinks> unsubscribe;

  public SendGridProvider(Optional<UnsubscribeLinks> unsubscribe) {
    this.unsubscribe = unsubscribe;
  }

  @Override
  public ProviderType type() {
    return ProviderType.SENDGRID;
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    String key = secret.get("apiKey");
    if (SecretKeys.blank(key)) {
      return List.of("key apiKey is missing or empty");
    }
    if (!key.strip().equals(key) || key.chars().anyMatch(Character::isWhitespace)) {
      return List.of("key apiKey contains whitespace");
    }
    return List.of();
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new SendGridClients(unsubscribe).create(config);
  }

  @Override
  public List<Callback> callbacks() {
    return List.of(new SendGridEventWebhook());
  }
}
