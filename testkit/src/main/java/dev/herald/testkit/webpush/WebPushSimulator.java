package dev.herald.testkit.webpush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.http.Malformation;
import dev.herald.testkit.http.SimulatorServer;
import dev.herald.testkit.ports.FreePorts;
import dev.herald.testkit.tls.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A push service and the browsers subscribed to it, on this machine, speaking the Web Push wire
 * protocol (RFC 8030) over TLS at {@code https://localhost:<port>}. It makes subscriptions as a
 * browser's {@code pushManager.subscribe} would ({@link #subscribe}); for every push it checks the
 * VAPID header (RFC 8292: {@code vapid t=…, k=…}, the JWT signed with the key of its own {@link
 * #vapidSecret() key pair}, {@code aud} the endpoint's origin, {@code exp} within 24 hours, a
 * {@code sub}), the {@code TTL} and {@code Content-Encoding: aes128gcm} headers, and decrypts the
 * body with the subscription's private key (RFC 8291), so tests read the plaintext that arrived. It
 * answers 201, or 401 for a bad VAPID header, 400 for a bad request, 404 for an unknown and 410 for
 * an unsubscribed subscription, 413 above 4096 bytes — or what was scripted.
 *
 * <p>A second listener, the {@link #trapUrl() trap}, stands for an internal address a redirect
 * could point at: it counts what reaches it, which for Herald must stay nothing.
 */
public final class WebPushSimulator implements ProviderSimulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VAPID =
      Pattern.compile("^vapid t=([A-Za-z0-9_.-]+), ?k=([A-Za-z0-9_-]+)$");
  private static final Pattern SUBJECT = Pattern.compile("^(mailto:\\S+@\\S+|https://\\S+)$");
  static final int MAX_BODY = 4096;

  private final KeyPair tlsKey = TestCredentials.p256();
  private final X509Certificate certificate = TestCredentials.selfSigned(tlsKey);
  private final KeyPair vapid = TestCredentials.p256();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpsServer server;
  private final HttpsServer trap;
  private final Map<String, BrowserSubscription> subscriptions = new ConcurrentHashMap<>();
  private final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();
  private final List<ReceivedWebPush> received = new CopyOnWriteArrayList<>();
  private final List<String> rejections = new CopyOnWriteArrayList<>();
  private final Faults<WebPushAnswer> scripted = new Faults<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger trapHits = new AtomicInteger();

  private WebPushSimulator() throws IOException {
    HttpsConfigurator tls =
        new HttpsConfigurator(TestCredentials.serverContext(tlsKey, certificate));
    server = HttpsServer.create(new InetSocketAddress(FreePorts.LOOPBACK, 0), 64);
    server.setHttpsConfigurator(tls);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    trap = HttpsServer.create(new InetSocketAddress(FreePorts.LOOPBACK, 0), 8);
    trap.setHttpsConfigurator(tls);
    trap.setExecutor(executor);
    trap.createContext(
        "/",
        exchange -> {
          trapHits.incrementAndGet();
          SimulatorServer.sendBytes(
              exchange, 200, "text/plain", "internal".getBytes(StandardCharsets.UTF_8));
        });
    trap.start();
  }

  public static WebPushSimulator start() {
    try {
      return new WebPushSimulator();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the web push simulator", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code https://localhost:<port>}: the origin of every endpoint, and the VAPID audience. */
  public String origin() {
    return "https://localhost:" + port();
  }

  /**
   * Its self-signed TLS certificate (for {@code localhost}): with {@link #port()}, what a
   * dispatcher's and an operator's loopback allowance must name to reach it.
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The Secret of a webpush provider whose pushes this simulator accepts: its VAPID key pair. */
  public Map<String, String> vapidSecret() {
    return Map.of(
        "vapidPublicKey",
        applicationServerKey(),
        "vapidPrivateKey",
        BrowserSubscription.base64(scalar((ECPrivateKey) vapid.getPrivate())));
  }

  /** The VAPID public key browsers subscribe with. */
  public String applicationServerKey() {
    return BrowserSubscription.base64(
        BrowserSubscription.uncompressed((ECPublicKey) vapid.getPublic()));
  }

  /** A new subscription, as a browser gets from {@code pushManager.subscribe}. */
  public BrowserSubscription subscribe() {
    return subscribe(UUID.randomUUID().toString());
  }

  /** A new subscription whose endpoint ends in {@code name}. */
  public BrowserSubscription subscribe(String name) {
    BrowserSubscription s = new BrowserSubscription(origin() + "/push/" + name);
    subscriptions.put("/push/" + name, s);
    return s;
  }

  /** The browser unsubscribed: pushes to it are answered 410 Gone from now on. */
  public WebPushSimulator unsubscribe(BrowserSubscription subscription) {
    unsubscribed.add(subscription.endpoint());
    return this;
  }

  /** The next {@code times} pushes are answered {@code answer}, before any check. */
  public WebPushSimulator answerNext(int times, WebPushAnswer answer) {
    scripted.add(times, answer);
    return this;
  }

  /** {@code https://localhost:<trap port>/…}: where a scripted redirect may point. */
  public String trapUrl() {
    return "https://localhost:" + trap.getAddress().getPort() + "/latest/meta-data/";
  }

  public int trapHits() {
    return trapHits.get();
  }

  public List<ReceivedWebPush> pushes() {
    return List.copyOf(received);
  }

  public List<ReceivedWebPush> pushesTo(BrowserSubscription subscription) {
    return received.stream().filter(p -> p.endpoint().equals(subscription.endpoint())).toList();
  }

  /** Why pushes were refused (VAPID, headers, decryption), in order. */
  public List<String> rejections() {
    return List.copyOf(rejections);
  }

  public int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      SimulatorServer.Body body = SimulatorServer.readBody(exchange.getRequestBody(), MAX_BODY);
      WebPushAnswer answer = scripted.next();
      if (answer != null) {
        script(exchange, answer);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        reject(exchange, 405, "method " + exchange.getRequestMethod());
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      BrowserSubscription subscription = subscriptions.get(path);
      if (subscription == null) {
        reject(exchange, 404, "no subscription at " + path);
        return;
      }
      if (unsubscribed.contains(subscription.endpoint())) {
        reject(exchange, 410, "unsubscribed");
        return;
      }
      if (body.tooLarge()) {
        reject(exchange, 413, "body over " + MAX_BODY + " bytes");
        return;
      }
      String subject;
      try {
        subject = verifyVapid(exchange.getRequestHeaders().getFirst("Authorization"));
      } catch (GeneralSecurityException | RuntimeException e) {
        reject(exchange, 401, "VAPID: " + e.getMessage());
        return;
      }
      String ttl = exchange.getRequestHeaders().getFirst("TTL");
      if (ttl == null || !ttl.matches("^[0-9]{1,10}$")) {
        reject(exchange, 400, "TTL missing or not a number");
        return;
      }
      if (!"aes128gcm".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        reject(exchange, 400, "Content-Encoding is not aes128gcm");
        return;
      }
      String urgency = exchange.getRequestHeaders().getFirst("Urgency");
      if (urgency != null && !Set.of("very-low", "low", "normal", "high").contains(urgency)) {
        reject(exchange, 400, "Urgency " + urgency);
        return;
      }
      byte[] plaintext;
      try {
        plaintext = subscription.decrypt(body.bytes());
      } catch (GeneralSecurityException e) {
        reject(exchange, 400, "cannot decrypt: " + e.getMessage());
        return;
      }
      received.add(
          new ReceivedWebPush(
              subscription.endpoint(),
              new String(plaintext, StandardCharsets.UTF_8),
              Long.parseLong(ttl),
              urgency,
              exchange.getRequestHeaders().getFirst("Topic"),
              subject));
      exchange.getResponseHeaders().set("Location", origin() + "/message/" + UUID.randomUUID());
      exchange.sendResponseHeaders(201, -1);
    }
  }

  /** The JWT's subject when the header is a valid VAPID authorization for this push service. */
  private String verifyVapid(String authorization) throws GeneralSecurityException {
    if (authorization == null) {
      throw new GeneralSecurityException("no Authorization header");
    }
    Matcher m = VAPID.matcher(authorization);
    if (!m.matches()) {
      throw new GeneralSecurityException("not a vapid t=…, k=… header");
    }
    if (!m.group(2).equals(applicationServerKey())) {
      throw new GeneralSecurityException(
          "k is not the application server key the browser subscribed with");
    }
    String[] jwt = m.group(1).split("\\.");
    if (jwt.length != 3) {
      throw new GeneralSecurityException("not a compact JWS");
    }
    JsonNode header = json(jwt[0]);
    if (!"ES256".equals(header.path("alg").asText())) {
      throw new GeneralSecurityException("alg is not ES256");
    }
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(vapid.getPublic());
    verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    if (!verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
      throw new GeneralSecurityException("signature does not verify");
    }
    JsonNode claims = json(jwt[1]);
    if (!origin().equals(claims.path("aud").asText())) {
      throw new GeneralSecurityException("aud is not " + origin());
    }
    long now = Instant.now().getEpochSecond();
    long exp = claims.path("exp").asLong(0);
    if (exp <= now || exp > now + 24 * 3600 + 60) {
      throw new GeneralSecurityException("exp is not within the next 24 hours");
    }
    String sub = claims.path("sub").asText("");
    if (!SUBJECT.matcher(sub).matches()) {
      throw new GeneralSecurityException("sub is not a mailto: or https: contact");
    }
    return sub;
  }

  private static JsonNode json(String part) throws GeneralSecurityException {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(part));
    } catch (IOException | IllegalArgumentException e) {
      throw new GeneralSecurityException("a JWT part is not base64url JSON");
    }
  }

  private void reject(HttpExchange exchange, int status, String why) throws IOException {
    rejections.add(status + " " + why);
    SimulatorServer.sendJson(exchange, status, Map.of("code", status, "errno", 0, "error", why));
  }

  private void script(HttpExchange exchange, WebPushAnswer answer) throws IOException {
    switch (answer) {
      case WebPushAnswer.Status s -> {
        if (s.retryAfter() != null) {
          exchange
              .getResponseHeaders()
              .set("Retry-After", Long.toString(s.retryAfter().toSeconds()));
        }
        SimulatorServer.sendJson(
            exchange, s.status(), Map.of("code", s.status(), "error", "scripted"));
      }
      case WebPushAnswer.Redirect r -> {
        exchange.getResponseHeaders().set("Location", r.location());
        exchange.sendResponseHeaders(307, -1);
      }
      case WebPushAnswer.Garbled g ->
          SimulatorServer.sendMalformed(
              exchange, g.truncated() ? Malformation.TRUNCATED : Malformation.GARBAGE_BODY, 201);
    }
  }

  private static byte[] scalar(ECPrivateKey key) {
    byte[] raw = key.getS().toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  /** Forgets what was received, scripted and refused; subscriptions stay. */
  public void reset() {
    received.clear();
    rejections.clear();
    scripted.clear();
    requests.set(0);
    trapHits.set(0);
  }

  @Override
  public int accepted() {
    return pushes().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.WEBPUSH;
  }

  @Override
  public String endpoint() {
    return null;
  }

  @Override
  public Map<String, String> credentials() {
    return vapidSecret();
  }

  @Override
  public void close() {
    server.stop(0);
    trap.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "WebPushSimulator[" + origin() + "]";
  }
}
