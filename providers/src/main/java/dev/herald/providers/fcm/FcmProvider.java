package dev.herald.providers.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.provider.ProviderType;
import dev.herald.core.Json;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SecretKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FCM, Android and web push by FCM registration token: the Secret's {@code serviceAccount} (the
 * service-account JSON key); clients through firebase-admin ({@link FcmClients}).
 */
public final class FcmProvider implements Provider {

  @Override
  public ProviderType type() {
    return ProviderType.FCM;
  }

  /**
   * Android devices, and web devices registered with an FCM token rather than a Web Push
   * subscription.
   */
  @Override
  public boolean serves(String platform, String address) {
    return "android".equals(platform)
        || ("web".equals(platform) && !WebPushEndpoints.isEndpoint(address));
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    String account = secret.get("serviceAccount");
    if (SecretKeys.blank(account)) {
      return List.of("key serviceAccount is missing or empty");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(account);
    } catch (Exception e) {
      return List.of("key serviceAccount is not JSON");
    }
    List<String> problems = new ArrayList<>();
    if (!"service_account".equals(node.path("type").asText())) {
      problems.add("key serviceAccount: type is not service_account");
    }
    for (String field : List.of("project_id", "client_email", "private_key")) {
      if (node.path(field).asText().isBlank()) {
        problems.add("key serviceAccount: " + field + " is missing");
      }
    }
    return problems;
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new FcmClients().create(config);
  }
}
