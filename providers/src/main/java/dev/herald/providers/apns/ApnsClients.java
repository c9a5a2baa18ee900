package dev.herald.providers.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import dev.herald.api.provider.ApnsSettings;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * APNs through Pushy, with token-based authentication: the Secret's {@code signingKey} (the {@code
 * .p8} key as PKCS#8 PEM) signs provider tokens for {@code spec.apns.teamId} and {@code keyId}.
 *
 * <p>The server is {@code api.push.apple.com} or {@code api.sandbox.push.apple.com} by {@code
 * spec.apns.environment}, or {@code spec.endpoint} (which must be {@code https://}: APNs is HTTP/2
 * over TLS). A private endpoint's certificate is trusted from the Secret's optional {@code
 * caCertificate} (PEM); without it the JVM's trust store decides.
 *
 * <p>Pushy multiplexes notifications as HTTP/2 streams, as many per connection as the server allows
 * (APNs advertises its limit); {@code spec.maxConcurrency} sets how many connections: one per
 * {@value #STREAMS_PER_CONNECTION} requests in flight, between 1 and {@value #MAX_CONNECTIONS}.
 *
 * <p>All APNs clients share one Netty event loop group (daemon threads, as Pushy recommends), so a
 * client rebuilt for a rotated Secret neither starts nor gracefully stops threads of its own.
 */
final class ApnsClients {
  static final int STREAMS_PER_CONNECTION = 500;
  static final int MAX_CONNECTIONS = 8;

  /** Created on first use, lives as long as the process. */
  private static final class EventLoops {
    static final EventLoopGroup GROUP =
        new NioEventLoopGroup(
            Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4),
            new DefaultThreadFactory("herald-apns", true));
  }

  ProviderClient create(ProviderConfig config) {
    ApnsSettings settings = Objects.requireNonNull(config.spec().getApns(), "spec.apns");
    String pem = config.secret().get("signingKey");
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("the provider's Secret lacks signingKey");
    }
    ApnsClientBuilder builder = new ApnsClientBuilder();
    try {
      builder.setSigningKey(
          ApnsSigningKey.loadFromInputStream(stream(pem), settings.teamId(), settings.keyId()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("signingKey is not a PKCS#8 PEM EC private key", e);
    }
    String endpoint = config.spec().getEndpoint();
    if (endpoint != null) {
      URI uri = URI.create(endpoint);
      if (!"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("an APNs endpoint must be https://");
      }
      builder.setApnsServer(
          uri.getHost(), uri.getPort() > 0 ? uri.getPort() : ApnsClientBuilder.DEFAULT_APNS_PORT);
    } else {
      builder.setApnsServer(
          settings.environmentOrDefault() == ApnsSettings.Environment.SANDBOX
              ? ApnsClientBuilder.DEVELOPMENT_APNS_HOST
              : ApnsClientBuilder.PRODUCTION_APNS_HOST);
    }
    String ca = config.secret().get("caCertificate");
    if (ca != null && !ca.isBlank()) {
      builder.setTrustedServerCertificateChain(stream(ca));
    }
    Integer maxConcurrency = config.spec().getMaxConcurrency();
    int connections =
        maxConcurrency == null
            ? 1
            : Math.clamp(
                (maxConcurrency + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION,
                1,
                MAX_CONNECTIONS);
    builder
        .setConcurrentConnections(connections)
        .setConnectionTimeout(config.timeout())
        .setEventLoopGroup(EventLoops.GROUP);
    ApnsClient client;
    try {
      client = builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS for APNs (is caCertificate a PEM certificate?)", e);
    }
    return new ApnsProviderClient(config.name(), client, settings, config.timeout());
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }
}
