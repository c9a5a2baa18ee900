package dev.herald.dispatcher.sendgrid;

import com.sendgrid.Client;
import com.sendgrid.SendGrid;
import dev.herald.api.provider.ProviderType;
import dev.herald.dispatcher.provider.ProviderClient;
import dev.herald.dispatcher.provider.ProviderClientFactory;
import dev.herald.dispatcher.provider.ProviderConfig;
import java.net.URI;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * SendGrid through sendgrid-java. {@code spec.endpoint} overrides the API host (a proxy, or a
 * simulator); plain {@code http://} endpoints use the SDK's own test mode.
 */
public final class SendGridClientFactory implements ProviderClientFactory {

  @Override
  public ProviderType type() {
    return ProviderType.SENDGRID;
  }

  @Override
  public ProviderClient create(ProviderConfig config) {
    int timeout = (int) config.timeout().toMillis();
    CloseableHttpClient http = HttpClients.custom()
        .setDefaultRequestConfig(RequestConfig.custom()
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
    return new SendGridClient(config.name(), sendGrid, http, config.spec().getSendgrid());
  }
}
