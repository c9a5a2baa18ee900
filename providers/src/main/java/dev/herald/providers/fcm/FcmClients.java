package dev.herald.providers.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import dev.herald.api.provider.FcmSettings;
import dev.herald.core.Json;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FCM (Android and web push) through firebase-admin: one named {@link FirebaseApp} per provider
 * client, deleted when the client closes, authenticated with the Secret's {@code serviceAccount}
 * JSON key and sending through {@code spec.fcm.projectId}.
 *
 * <p>All HTTP goes through {@link FcmHttpTransport}, given to the SDK with {@code
 * FirebaseOptions.setHttpTransport} and to the credentials as their transport factory: it sends
 * {@code fcm.googleapis.com} and the key's {@code token_uri} host to {@code spec.endpoint} when
 * that is set, and keeps the SDK from retrying on its own (see there).
 */
final class FcmClients {
  private static final AtomicLong APPS = new AtomicLong();

  ProviderClient create(ProviderConfig config) {
    FcmSettings settings = Objects.requireNonNull(config.spec().getFcm(), "spec.fcm");
    String serviceAccount = config.secret().get("serviceAccount");
    if (serviceAccount == null || serviceAccount.isBlank()) {
      throw new IllegalArgumentException("the provider's Secret lacks serviceAccount");
    }
    String tokenHost;
    try {
      JsonNode key = Json.MAPPER.readTree(serviceAccount);
      tokenHost =
          key.hasNonNull("token_uri") ? URI.create(key.get("token_uri").asText()).getHost() : null;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("serviceAccount is not a service-account JSON key");
    }
    String endpoint = config.spec().getEndpoint();
    FcmHttpTransport transport =
        new FcmHttpTransport(
            endpoint == null ? null : URI.create(endpoint), tokenHost, config.timeout());
    ServiceAccountCredentials credentials;
    try {
      credentials =
          ServiceAccountCredentials.fromStream(
              new ByteArrayInputStream(serviceAccount.getBytes(StandardCharsets.UTF_8)),
              () -> transport);
    } catch (IOException e) {
      transport.shutdown();
      throw new IllegalArgumentException("serviceAccount is not a usable service-account JSON key");
    }
    int timeoutMillis = (int) config.timeout().toMillis();
    FirebaseOptions options =
        FirebaseOptions.builder()
            .setCredentials(credentials)
            .setProjectId(settings.projectId())
            .setHttpTransport(transport)
            .setConnectTimeout(timeoutMillis)
            .setReadTimeout(timeoutMillis)
            .build();
    // a rotated Secret builds the next client before the last one is closed: names must not repeat
    String appName =
        "herald-" + config.namespace() + "-" + config.name() + "-" + APPS.incrementAndGet();
    FirebaseApp app = FirebaseApp.initializeApp(options, appName);
    return new FcmClient(config.name(), app, FirebaseMessaging.getInstance(app), transport);
  }
}
