package dev.herald.testkit.apns;

import com.eatthepath.pushy.apns.ApnsPushNotification;
import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.OnceVerifiedTokenHandlerFactory;
import com.eatthepath.pushy.apns.server.ParsingMockApnsServerListenerAdapter;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.tls.TestCredentials;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * APNs for tests: Pushy's {@link MockApnsServer} over TLS (HTTP/2) with a certificate and a
 * token-signing key made at start, validating what real APNs validates.
 *
 * <pre>{@code
 * try (ApnsSimulator apns = ApnsSimulator.start()) {
 *   String token = apns.registerToken("dev.herald.app", ApnsSimulator.newToken());
 *   ApnsClient client = new ApnsClientBuilder()
 *       .setApnsServer("127.0.0.1", apns.port())
 *       .setSigningKey(ApnsSigningKey.loadFromInputStream(pemStream(apns.signingKeyPem()), apns.teamId(), apns.keyId()))
 *       .setTrustedServerCertificateChain(apns.certificate())
 *       .build();
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 *
 * For each notification, in order:
 *
 * <ol>
 *   <li>the next scripted fault ({@link #rejectNext} with any {@link RejectionReason}, e.g. {@code
 *       TOO_MANY_REQUESTS} → 429, {@code INTERNAL_SERVER_ERROR} → 500, {@code SERVICE_UNAVAILABLE}
 *       → 503, {@code PAYLOAD_TOO_LARGE} → 413; or {@link #delayNext});
 *   <li>Pushy's validation: {@code BadDeviceToken} for a token that is not 64 hex digits, {@code
 *       Unregistered} (410, with the timestamp) for a token {@link #expireToken expired}, {@code
 *       DeviceTokenNotForTopic} for a token not {@link #registerToken registered} for the topic,
 *       {@code BadCollapseId}, {@code BadPriority}, {@code InvalidPushType}, {@code PayloadEmpty},
 *       {@code PayloadTooLarge} (over 4096 bytes), and the provider token: its signature against
 *       the simulator's key, its age (an hour at most), the topic, and {@code InvalidProviderToken}
 *       when the token's team or key id is not the simulator's. A token that passed is not verified
 *       again for its topic until it is an hour old, as APNs does ({@link
 *       OnceVerifiedTokenHandlerFactory});
 *   <li>otherwise 200, and the notification is recorded as a {@link ReceivedPush}.
 * </ol>
 *
 * Delays block the server's event loop (Pushy's mock handles notifications synchronously), so every
 * connection to this simulator waits with the delayed one.
 *
 * <p>It listens on all interfaces (Pushy's mock binds no address); connect to 127.0.0.1. A
 * MockApnsServer cannot be restarted: once closed, start a new simulator. The server runs on one
 * event-loop thread of its own, stopped without Netty's two-second quiet period. Thread-safe.
 */
public final class ApnsSimulator implements ProviderSimulator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private sealed interface Fault {}

  private record Reject(RejectionReason reason) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private final String teamId;
  private final String keyId;
  private final KeyPair signingKey = TestCredentials.p256();
  private final KeyPair tlsKey = TestCredentials.p256();
  private final X509Certificate certificate = TestCredentials.selfSigned(tlsKey);
  private final Map<String, Set<String>> tokensByTopic = new ConcurrentHashMap<>();
  private final Map<String, Instant> expiredTokens = new ConcurrentHashMap<>();
  private final Set<String> keyTopics = ConcurrentHashMap.newKeySet();
  private final Faults<Fault> faults = new Faults<>();
  private final List<ReceivedPush> accepted = new ArrayList<>();
  private volatile Consumer<? super ReceivedPush> forward;
  private final List<RejectionReason> rejections = new ArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final NioEventLoopGroup eventLoop =
      new NioEventLoopGroup(1, new DefaultThreadFactory("apns-simulator", true));
  private final MockApnsServer server;
  private final int port;

  private ApnsSimulator(String teamId, String keyId) {
    this.teamId = Objects.requireNonNull(teamId, "teamId");
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    OnceVerifiedTokenHandlerFactory validating;
    try {
      ApnsVerificationKey verification =
          new ApnsVerificationKey(keyId, teamId, (ECPublicKey) signingKey.getPublic());
      validating =
          new OnceVerifiedTokenHandlerFactory(
              tokensByTopic,
              expiredTokens,
              Map.of(keyId, verification),
              Map.of(verification, keyTopics),
              this::checkIssuer);
      server =
          new MockApnsServerBuilder()
              .setServerCredentials(new X509Certificate[] {certificate}, tlsKey.getPrivate(), null)
              .setHandlerFactory(session -> handler(validating.buildHandler(session)))
              .setListener(new Recorder())
              .setEventLoopGroup(eventLoop)
              .build();
      port = server.start(0).get(10, TimeUnit.SECONDS);
    } catch (GeneralSecurityException | SSLException e) {
      throw new IllegalStateException("cannot set up the APNs simulator", e);
    } catch (Exception e) {
      throw new IllegalStateException("the APNs simulator did not start", e);
    }
  }

  /** Starts a simulator with a random team id and key id. */
  public static ApnsSimulator start() {
    return new ApnsSimulator(TestCredentials.appleId(), TestCredentials.appleId());
  }

  /**
   * Starts a simulator that accepts provider tokens of {@code teamId} signed with key {@code
   * keyId}.
   */
  public static ApnsSimulator start(String teamId, String keyId) {
    return new ApnsSimulator(teamId, keyId);
  }

  /** A random device token: 64 hex digits. */
  public static String newToken() {
    return TestCredentials.deviceToken();
  }

  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "https://127.0.0.1:" + port;
  }

  public String teamId() {
    return teamId;
  }

  public String keyId() {
    return keyId;
  }

  /**
   * The token-signing key as Apple hands it out: PKCS#8 PEM (the content of a {@code .p8} file).
   */
  public String signingKeyPem() {
    return TestCredentials.pem("PRIVATE KEY", signingKey.getPrivate().getEncoded());
  }

  /** The server's self-signed certificate, which clients must trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** {@link #certificate()} as PEM. */
  public String certificatePem() {
    try {
      return TestCredentials.pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Accepts {@code token} for {@code topic} from now on (and the topic for the signing key);
   * returns the token.
   */
  public String registerToken(String topic, String token) {
    keyTopics.add(Objects.requireNonNull(topic, "topic"));
    tokensByTopic
        .computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet())
        .add(Objects.requireNonNull(token, "token"));
    return token;
  }

  /** Answers {@code Unregistered} (410) with {@code at} for {@code token} from now on. */
  public ApnsSimulator expireToken(String token, Instant at) {
    expiredTokens.put(Objects.requireNonNull(token, "token"), Objects.requireNonNull(at, "at"));
    return this;
  }

  // ---- scripted faults ------------------------------------------------------------------------

  /** Rejects the next {@code times} notifications with {@code reason}, whatever they are. */
  public ApnsSimulator rejectNext(int times, RejectionReason reason) {
    faults.add(times, new Reject(Objects.requireNonNull(reason, "reason")));
    return this;
  }

  /** Holds the next {@code times} notifications for {@code delay}, then handles them normally. */
  public ApnsSimulator delayNext(int times, Duration delay) {
    if (Objects.requireNonNull(delay, "delay").isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    faults.add(times, new Delay(delay));
    return this;
  }

  public int pendingFaults() {
    return faults.pending();
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The accepted notifications, in the order they were accepted. */
  public List<ReceivedPush> notifications() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  /**
   * For load runs: from now on each accepted notification goes to {@code listener} (on the server's
   * event loop: keep it short) instead of being kept, so that {@link #notifications()} stops
   * growing and memory stays flat.
   */
  public ApnsSimulator forwardNotifications(Consumer<? super ReceivedPush> listener) {
    forward = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The reasons of the notifications it rejected, in order. */
  public List<RejectionReason> rejections() {
    synchronized (accepted) {
      return List.copyOf(rejections);
    }
  }

  /** Notifications received, accepted or not. */
  public int requests() {
    return requests.get();
  }

  /**
   * Forgets notifications, rejections, the request count and faults (not registered or expired
   * tokens).
   */
  public void reset() {
    faults.clear();
    synchronized (accepted) {
      accepted.clear();
      rejections.clear();
    }
    requests.set(0);
  }

  /** Stops the server and closes its connections; it cannot be started again. */
  @Override
  public int accepted() {
    return notifications().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.APNS;
  }

  @Override
  public String endpoint() {
    return baseUrl();
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("signingKey", signingKeyPem(), "caCertificate", certificatePem());
  }

  @Override
  public void close() {
    if (closing.getCount() == 0) {
      return;
    }
    closing.countDown();
    try {
      server.shutdown().get(10, TimeUnit.SECONDS);
      // no quiet period: nothing is left to run on it (Netty's default would wait two seconds)
      eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("the APNs simulator did not stop", e);
    }
  }

  @Override
  public String toString() {
    return "ApnsSimulator[" + baseUrl() + ", team " + teamId + ", key " + keyId + "]";
  }

  // ---- handling -------------------------------------------------------------------------------

  private PushNotificationHandler handler(PushNotificationHandler validating) {
    return (headers, payload) -> {
      requests.incrementAndGet();
      switch (faults.next()) {
        case null -> {}
        case Reject r -> throw new RejectedNotificationException(r.reason());
        case Delay d -> {
          try {
            if (closing.await(d.delay().toNanos(), TimeUnit.NANOSECONDS)) {
              throw new RejectedNotificationException(RejectionReason.SHUTDOWN);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedNotificationException(RejectionReason.SHUTDOWN);
          }
        }
      }
      validating.handlePushNotification(headers, payload);
    };
  }

  /** Pushy's mock checks the signature but takes any team id and key id: real APNs does not. */
  private void checkIssuer(Http2Headers headers) throws RejectedNotificationException {
    CharSequence authorization = headers.get("authorization");
    String jwt =
        authorization == null ? "" : authorization.toString().replaceFirst("^(?i)bearer\\s+", "");
    String[] parts = jwt.split("\\.");
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonNode header = JSON.readTree(b64.decode(parts[0]));
      JsonNode claims = JSON.readTree(b64.decode(parts[1]));
      if (keyId.equals(header.path("kid").asText()) && teamId.equals(claims.path("iss").asText())) {
        return;
      }
    } catch (IOException | RuntimeException e) {
      // falls through to the rejection
    }
    throw new RejectedNotificationException(RejectionReason.INVALID_PROVIDER_TOKEN);
  }

  private final class Recorder extends ParsingMockApnsServerListenerAdapter {
    @Override
    public void handlePushNotificationAccepted(ApnsPushNotification n) {
      ReceivedPush push =
          new ReceivedPush(
              n.getToken(),
              n.getTopic(),
              n.getPayload(),
              n.getPriority(),
              n.getExpiration(),
              n.getCollapseId(),
              n.getPushType(),
              n.getApnsId());
      Consumer<? super ReceivedPush> listener = forward;
      if (listener != null) {
        listener.accept(push);
        return;
      }
      synchronized (accepted) {
        accepted.add(push);
      }
    }

    @Override
    public void handlePushNotificationRejected(
        ApnsPushNotification n, RejectionReason reason, Instant expiredAt) {
      synchronized (accepted) {
        rejections.add(reason);
      }
    }
  }
}
