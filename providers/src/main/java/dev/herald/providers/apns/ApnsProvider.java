package dev.herald.providers.apns;

import dev.herald.api.provider.ProviderType;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SecretKeys;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * APNs, iOS push: the Secret's {@code signingKey} (the .p8 key, PKCS#8 PEM) and an optional {@code
 * caCertificate} for a private endpoint; clients through Pushy ({@link ApnsClients}).
 */
public final class ApnsProvider implements Provider {

  @Override
  public ProviderType type() {
    return ProviderType.APNS;
  }

  @Override
  public boolean serves(String platform, String address) {
    return "ios".equals(platform);
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    String pem = secret.get("signingKey");
    if (SecretKeys.blank(pem)) {
      return List.of("key signingKey is missing or empty");
    }
    if (!isPkcs8EcKey(pem)) {
      return List.of("key signingKey is not a PKCS#8 PEM EC private key (the .p8 file from Apple)");
    }
    return List.of();
  }

  static boolean isPkcs8EcKey(String pem) {
    try {
      String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      return pem.contains("-----BEGIN PRIVATE KEY-----");
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new ApnsClients().create(config);
  }
}
