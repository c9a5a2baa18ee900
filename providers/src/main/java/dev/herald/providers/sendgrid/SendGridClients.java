package dev.herald.providers.sendgrid;

import com.sendgrid.Client;
import com.sendgrid.SendGrid;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import java.net.URI;
import java.util.Optional;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * SendGrid through sendgrid-java. {@code spec.endpoint} overrides the API host (a proxy, or a
 * simulator); plain {@code http://} endpoints use the SDK's own test mode.
 */
final class SendGridClients {
  private final Optional<UnsubscribeLinks> unsubscribe;

  SendGridClients(Optional<UnsubscribeLinks> unsubscribe) {
    this.unsubscribe = unsubscribe;
  }

  ProviderClient create(ProviderConfig config) {
    int timeout = (int) config.timeout().toMillis();
    CloseableHttpClient http =
        HttpClients.custom()
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(timeout)
                    .setConnectionRequestTimeout(timeout)
                    .setSocketTimeout(timeout)
                    .build())
            .setMaxConnTotal(200)
            .setMaxConnPerRoute(200)
            .disableAutomaticRetries()
            .build();
    String endpoint = config.spec().getEndpoint();
    boolean plainHttp = endpoint != null && endpoint.startsWith("http://");
    SendGrid sendGrid = new SendGrid(config.secret().get("apiKey"), new Client(http, plainHttp));
    if (endpoint != null) {
      URI uri = URI.create(endpoint);
      sendGrid.setHost(uri.getAuthority());
    }
    return new SendGridClient(
        config.name(), sendGrid, http, config.spec().getSendgrid(), unsubscribe);
  }
}
