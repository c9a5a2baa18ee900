package dev.herald.providers.twilio;

import com.twilio.http.TwilioRestClient;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;

/**
 * Twilio through the twilio SDK: a {@link TwilioRestClient} per provider, authenticated with the
 * Secret's {@code accountSid} and {@code authToken}, or with an API key ({@code apiKeySid}, {@code
 * apiKeySecret}) of that account.
 *
 * <p>{@code spec.endpoint} (a proxy, a regional gateway, the simulator) is reached by routing the
 * SDK's connections there: the request still names {@code https://api.twilio.com/...}, only the
 * connection goes to the endpoint, over TLS for {@code https://} and plain for {@code http://}.
 */
final class TwilioClients {
  /** Connections kept to Twilio when {@code spec.maxConcurrency} does not say. */
  static final int DEFAULT_CONNECTIONS = 50;

  ProviderClient create(ProviderConfig config) {
    Map<String, String> secret = config.secret();
    String accountSid = required(secret, "accountSid");
    TwilioSettings settings = Objects.requireNonNull(config.spec().getTwilio(), "spec.twilio");
    Timeout timeout = Timeout.of(config.timeout());
    RequestConfig requestConfig =
        RequestConfig.custom()
            .setConnectionRequestTimeout(timeout)
            .setConnectTimeout(timeout)
            .setResponseTimeout(timeout)
            .build();
    int connections =
        config.spec().getMaxConcurrency() != null
            ? config.spec().getMaxConcurrency()
            : DEFAULT_CONNECTIONS;
    HttpClientBuilder builder =
        HttpClientBuilder.create()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(timeout)
                            .setSocketTimeout(timeout)
                            .build())
                    .setMaxConnTotal(connections)
                    .setMaxConnPerRoute(connections)
                    .build())
            .setDefaultRequestConfig(requestConfig)
            // NetworkHttpClient sets its own 30 s defaults on every request: put ours back
            .addExecInterceptorFirst(
                "herald-timeouts",
                (request, scope, chain) -> {
                  scope.clientContext.setRequestConfig(requestConfig);
                  return chain.proceed(request, scope);
                })
            .disableAutomaticRetries();
    String endpoint = config.spec().getEndpoint();
    if (endpoint != null) {
      URI uri = URI.create(endpoint);
      boolean tls = "https".equals(uri.getScheme());
      HttpHost target =
          new HttpHost(
              uri.getScheme(), uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80);
      HttpRoute route = new HttpRoute(target, null, tls);
      builder.setRoutePlanner((host, context) -> route);
    }
    SingleAttemptHttpClient http = new SingleAttemptHttpClient(builder);
    String token = secret.get("authToken");
    TwilioRestClient.Builder client =
        token != null && !token.isBlank()
            ? new TwilioRestClient.Builder(accountSid, token)
            : new TwilioRestClient.Builder(
                    required(secret, "apiKeySid"), required(secret, "apiKeySecret"))
                .accountSid(accountSid);
    return new TwilioClient(config.name(), client.httpClient(http).build(), http, settings);
  }

  private static String required(Map<String, String> secret, String key) {
    String value = secret.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the provider's Secret lacks " + key);
    }
    return value.strip();
  }
}
