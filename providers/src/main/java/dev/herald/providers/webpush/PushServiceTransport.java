package dev.herald.providers.webpush;

import dev.herald.core.webpush.LoopbackAllowance;
import dev.herald.core.webpush.WebPushEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP to push services, and only to public ones. Every connection goes to an address that {@link
 * WebPushEndpoints#addressesFor} returned for the endpoint's host at that moment — the client's own
 * DNS resolver, so the address checked is the address connected to, and a name that re-binds to an
 * internal address is refused when the connection is made. Redirects are never followed, nothing is
 * retried by the client, no proxy or system property is consulted, and at most {@value
 * #MAX_ANSWER_BYTES} bytes of an answer are read.
 */
final class PushServiceTransport implements AutoCloseable {
  static final int MAX_ANSWER_BYTES = 8 * 1024;

  /** A push service's answer: its status, the headers Herald reads, and the start of its body. */
  record Answer(int status, Optional<String> location, Optional<String> retryAfter, String text) {}

  private final CloseableHttpClient http;

  PushServiceTransport(WebPushEndpoints endpoints, Duration timeout) {
    Timeout t = Timeout.of(timeout);
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new PublicOnlyResolver(endpoints))
                    .setTlsSocketStrategy(
                        new DefaultClientTlsStrategy(sslContext(endpoints.allowance())))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                    .setMaxConnTotal(256)
                    .setMaxConnPerRoute(64)
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(t).build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .build();
  }

  /** POSTs {@code body} to {@code endpoint}; an {@link IOException} when no answer came. */
  Answer post(URI endpoint, Map<String, String> headers, byte[] body) throws IOException {
    ClassicRequestBuilder request =
        ClassicRequestBuilder.post(endpoint)
            .setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
    headers.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase("Content-Type")) {
            request.addHeader(name, value);
          }
        });
    ClassicHttpResponse response = http.executeOpen(null, request.build(), null);
    try {
      return answer(response);
    } finally {
      try {
        response.close();
      } catch (IOException ignored) {
        // the answer is in hand; a connection that broke after it is discarded
      }
    }
  }

  /** The status line is the answer: a body cut short or unreadable after it only loses its text. */
  private static Answer answer(ClassicHttpResponse response) {
    String text = "";
    if (response.getEntity() != null) {
      try {
        InputStream in = response.getEntity().getContent();
        byte[] head = in.readNBytes(MAX_ANSWER_BYTES);
        text = new String(head, StandardCharsets.UTF_8);
        if (head.length < MAX_ANSWER_BYTES) {
          EntityUtils.consume(
              response.getEntity()); // read to its end: the connection may serve the next push
        }
      } catch (IOException e) {
        text = "(answer cut short)";
      }
    }
    return new Answer(
        response.getCode(), header(response, "Location"), header(response, "Retry-After"), text);
  }

  private static Optional<String> header(ClassicHttpResponse response, String name) {
    Header h = response.getFirstHeader(name);
    return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
  }

  /**
   * The JDK's trust, plus the loopback simulator's certificate when the sandbox or a test allows
   * one.
   */
  private static SSLContext sslContext(LoopbackAllowance allowance) {
    try {
      if (allowance.isEmpty()) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int i = 0;
      for (var manager : system.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            anchors.setCertificateEntry("ca-" + i++, ca);
          }
        }
      }
      anchors.setCertificateEntry("loopback-simulator", allowance.certificate());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS for web push", e);
    }
  }

  /** The only way the client learns addresses: {@link WebPushEndpoints#addressesFor}. */
  private record PublicOnlyResolver(WebPushEndpoints endpoints) implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      return endpoints.addressesFor(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host.toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
