package dev.herald.providers.smtp;

import dev.herald.api.provider.ProviderType;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SecretKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * E-mail through any SMTP relay: the Secret's optional {@code username} and {@code password} (AUTH,
 * both or neither) and optional {@code caCertificate} (PEM) for a relay with a private CA; clients
 * through Jakarta Mail ({@link SmtpClients}).
 */
public final class SmtpProvider implements Provider {
  private final Optional<UnsubscribeLinks> unsubscribe;

  public SmtpProvider(Optional<UnsubscribeLinks> unsubscribe) {
    this.unsubscribe = unsubscribe;
  }

  @Override
  public ProviderType type() {
    return ProviderType.SMTP;
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    List<String> problems = new ArrayList<>();
    String username = secret.get("username");
    String password = secret.get("password");
    boolean hasUser = !SecretKeys.blank(username);
    boolean hasPassword = !SecretKeys.blank(password);
    if (hasUser && !hasPassword) {
      problems.add("key password is missing or empty: AUTH needs username and password together");
    } else if (hasPassword && !hasUser) {
      problems.add("key username is missing or empty: AUTH needs username and password together");
    }
    // a line break pasted with the value (echo > file) would be sent as part of it
    if (hasUser && username.chars().anyMatch(Character::isISOControl)) {
      problems.add("key username contains a line break or another control character");
    }
    if (hasPassword && password.chars().anyMatch(Character::isISOControl)) {
      problems.add("key password contains a line break or another control character");
    }
    String ca = secret.get("caCertificate");
    if (!SecretKeys.blank(ca)) {
      try {
        CaCertificates.parse(ca);
      } catch (IllegalArgumentException e) {
        problems.add("key caCertificate is not a PEM X.509 certificate");
      }
    }
    return problems;
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new SmtpClients(unsubscribe).create(config);
  }
}
