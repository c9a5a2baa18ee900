package dev.herald.providers.vonage;

import com.vonage.client.HttpConfig;
import com.vonage.client.VonageClient;
import dev.herald.api.provider.VonageSettings;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.ProviderText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.http.HttpResponse;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.SocketConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * Vonage through its SDK: a {@link VonageClient} per provider, authenticated with the Secret's
 * {@code apiKey} and {@code apiSecret} (HTTP Basic). {@code spec.endpoint} replaces the SMS API's
 * base URL ({@code https://rest.nexmo.com}), for a proxy or the simulator.
 *
 * <p>The SDK is given an Apache HttpClient of Herald's own: one request per Herald attempt (no
 * automatic retries, no redirects), {@code spec.maxConcurrency} connections, the provider's send
 * timeout on connecting, waiting for a connection and reading (the SDK's default is a minute each).
 * It also records each answer's status and {@code Retry-After}, which the SDK drops.
 *
 * <p>The signature secret is not given to the SDK: it would sign outgoing requests with it (and log
 * what it signs at INFO); Herald uses it only to verify webhooks.
 */
final class VonageClients {
  /** Connections kept to Vonage when {@code spec.maxConcurrency} does not say. */
  static final int DEFAULT_CONNECTIONS = 50;

  /**
   * The SDK's loggers that see requests: at FINE they print headers (the Basic credentials) and
   * bodies (numbers, text), and RequestSigning logs what it signs at INFO. Kept here, strongly
   * referenced, so that the level and filter stay; warnings pass with phone numbers masked.
   */
  private static final List<Logger> SDK_LOGGERS =
      List.of(
          Logger.getLogger("com.vonage.client.AbstractMethod"),
          Logger.getLogger("com.vonage.client.sms.SmsClient$1Endpoint"),
          Logger.getLogger("com.vonage.client.DynamicEndpoint"),
          Logger.getLogger("com.vonage.client.auth.RequestSigning"));

  static {
    for (Logger logger : SDK_LOGGERS) {
      logger.setLevel(Level.WARNING);
      logger.setFilter(
          record -> {
            if (record.getLevel().intValue() < Level.WARNING.intValue()) {
              return false;
            }
            record.setParameters(null);
            record.setMessage(mask(ProviderText.clean(record.getMessage(), "sms", null)));
            return true;
          });
    }
  }

  /**
   * Vonage writes numbers without the {@code +}: runs of 7 to 15 digits are masked as phone
   * numbers.
   */
  private static final java.util.regex.Pattern BARE_NUMBER =
      java.util.regex.Pattern.compile("(?<![0-9A-Za-z])[0-9]{7,15}(?![0-9A-Za-z])");

  static String mask(String text) {
    if (text == null) {
      return null;
    }
    java.util.regex.Matcher m = BARE_NUMBER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, java.util.regex.Matcher.quoteReplacement(dev.herald.core.log.Mask.phone(m.group())));
    }
    return m.appendTail(out).toString();
  }

  ProviderClient create(ProviderConfig config) {
    Map<String, String> secret = config.secret();
    String apiKey = required(secret, "apiKey");
    String apiSecret = required(secret, "apiSecret");
    VonageSettings settings = Objects.requireNonNull(config.spec().getVonage(), "spec.vonage");
    if (settings.from() == null || settings.from().isBlank()) {
      throw new IllegalArgumentException("spec.vonage.from is missing");
    }
    int timeout = (int) Math.max(10, Math.min(Integer.MAX_VALUE, config.timeout().toMillis()));
    int connections =
        config.spec().getMaxConcurrency() != null
            ? config.spec().getMaxConcurrency()
            : DEFAULT_CONNECTIONS;
    PoolingHttpClientConnectionManager pool =
        new PoolingHttpClientConnectionManager(5, TimeUnit.MINUTES);
    pool.setMaxTotal(connections);
    pool.setDefaultMaxPerRoute(connections);
    pool.setDefaultSocketConfig(
        SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(timeout).build());
    // a pooled connection idle for a second is checked before use: a closed one is never written to
    pool.setValidateAfterInactivity(1000);
    LastAnswer last = new LastAnswer();
    CloseableHttpClient http =
        HttpClientBuilder.create()
            .setConnectionManager(pool)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectTimeout(timeout)
                    .setConnectionRequestTimeout(timeout)
                    .setSocketTimeout(timeout)
                    .setRedirectsEnabled(false)
                    .build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .evictIdleConnections(30, TimeUnit.SECONDS)
            .addInterceptorLast(
                (HttpResponseInterceptor) (response, context) -> last.record(response))
            .build();
    HttpConfig.Builder httpConfig = HttpConfig.builder().timeoutMillis(timeout);
    String endpoint = config.spec().getEndpoint();
    if (endpoint != null) {
      httpConfig.restBaseUri(endpoint).apiBaseUri(endpoint);
    }
    @SuppressWarnings(
        "deprecation") // the only way to hand the SDK a client without its retries and timeouts
    VonageClient vonage =
        VonageClient.builder()
            .httpConfig(httpConfig.build())
            .httpClient(http)
            .apiKey(apiKey)
            .apiSecret(apiSecret)
            .build();
    return new VonageSmsClient(config.name(), vonage.getSmsClient(), last, http, settings);
  }

  private static String required(Map<String, String> secret, String key) {
    String value = secret.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the provider's Secret lacks " + key);
    }
    return value.strip();
  }

  /**
   * The status and {@code Retry-After} of the last answer on each thread (the SDK keeps neither).
   */
  static final class LastAnswer {
    record Answer(int status, Duration retryAfter) {}

    private final ThreadLocal<Answer> last = new ThreadLocal<>();

    void clear() {
      last.remove();
    }

    void record(HttpResponse response) {
      var header = response.getFirstHeader("Retry-After");
      last.set(
          new Answer(
              response.getStatusLine().getStatusCode(),
              header == null ? null : dev.herald.providers.RetryAfter.parse(header.getValue())));
    }

    Answer get() {
      return last.get();
    }
  }
}
