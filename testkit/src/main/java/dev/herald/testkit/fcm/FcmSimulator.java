package dev.herald.testkit.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.fcm.FcmMessageValidator.Violation;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.http.Malformation;
import dev.herald.testkit.http.Recorded;
import dev.herald.testkit.http.SimulatorServer;
import dev.herald.testkit.http.SimulatorServer.Body;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Firebase Cloud Messaging's HTTP v1 API and for Google's OAuth2 token
 * endpoint, on plain HTTP at 127.0.0.1 and a free port, for testing through the real firebase-admin
 * SDK (whose transport sends {@code https://fcm.googleapis.com} and {@code
 * https://oauth2.googleapis.com} here).
 *
 * <h2>Credentials</h2>
 *
 * The simulator makes its own service account at start: {@link #serviceAccountJson()} is the JSON
 * key file a Secret would hold (RSA key, {@code token_uri} {@value #TOKEN_URI}). {@code POST
 * /token} takes the SDK's JWT-bearer grant, verifies the assertion's RS256 signature, issuer,
 * audience, scope and expiry, and answers {@code {"access_token", "expires_in": 3600, "token_type":
 * "Bearer"}}; it answers {@code 400 invalid_grant} otherwise. Tokens made elsewhere can be let in
 * with {@link #acceptAccessToken}.
 *
 * <h2>What {@code POST /v1/projects/{project}/messages:send} answers</h2>
 *
 * Every send is counted ({@link #requests()}). Then, in order:
 *
 * <ol>
 *   <li>the next scripted fault ({@link #failNext}, {@link #delayNext}, {@link #malformedNext});
 *   <li>401 {@code UNAUTHENTICATED} without {@code Authorization: Bearer} and an access token it
 *       issued; 403 {@code PERMISSION_DENIED} for another project;
 *   <li>400 {@code INVALID_ARGUMENT} for a body that is not {@code {"message":{...},
 *       "validate_only"?}}, a message with other than exactly one of token / topic / condition, a
 *       malformed token, android priority or TTL, webpush header or non-HTTPS link, non-string
 *       data, reserved data keys, or more than 4096 bytes of data and notification; the field is
 *       named in a {@code google.rpc.BadRequest} detail;
 *   <li>404 {@code UNREGISTERED} for a token made {@link #unregister unregistered}; 403 {@code
 *       SENDER_ID_MISMATCH} for one {@link #registerToOtherSender registered to another sender};
 *   <li>otherwise 200 {@code {"name":"projects/<p>/messages/<id>"}}, recorded as a {@link
 *       ReceivedFcmMessage} (also with {@code validate_only}).
 * </ol>
 *
 * Errors are Google's: {@code {"error":{"code":404,"message":...,"status":"NOT_FOUND","details":
 * [{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}}.
 *
 * <p>Thread-safe: requests are served concurrently, and everything can be scripted from any thread.
 */
public final class FcmSimulator implements ProviderSimulator {
  /**
   * The {@code token_uri} of the simulator's service account (reach it through the SDK's
   * transport).
   */
  public static final String TOKEN_URI = "https://oauth2.googleapis.com/token";

  /** Where the token endpoint listens on the simulator. */
  public static final String TOKEN_PATH = "/token";

  /** The scope FCM sends need. */
  public static final String MESSAGING_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SEND_PATH = Pattern.compile("^/v1/projects/([^/]+)/messages:send$");
  private static final String FCM_ERROR_TYPE =
      "type.googleapis.com/google.firebase.fcm.v1.FcmError";
  private static final String BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest";
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private sealed interface Fault {}

  private record Fail(FcmError error, Duration retryAfter) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Malformed(Malformation kind) implements Fault {}

  private final String projectId;
  private final KeyPair serviceAccountKey;
  private final String privateKeyId = HexFormat.of().formatHex(randomBytes(20));
  private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
  private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
  private final Set<String> otherSender = ConcurrentHashMap.newKeySet();
  private final Faults<Fault> faults = new Faults<>();
  private final Recorded<ReceivedFcmMessage> messages = new Recorded<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicLong messageCounter = new AtomicLong();
  private final SimulatorServer server;

  private FcmSimulator(String projectId) {
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.serviceAccountKey = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the service account's RSA key", e);
    }
    this.server = SimulatorServer.start("FCM", this::handle);
  }

  /** Starts a simulator of the Firebase project {@code projectId}. */
  public static FcmSimulator start(String projectId) {
    return new FcmSimulator(projectId);
  }

  /** A random token of the shape FCM hands out ({@code <22 chars>:APA91b<134 chars>}). */
  public static String newToken() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(randomBytes(16)).substring(0, 22)
        + ":APA91b"
        + b64.encodeToString(randomBytes(101)).substring(0, 134);
  }

  public String projectId() {
    return projectId;
  }

  public int port() {
    return server.port();
  }

  /**
   * {@code http://127.0.0.1:<port>}: where to send {@code fcm.googleapis.com} and the token URI.
   */
  public String baseUrl() {
    return server.baseUrl();
  }

  /** The service account's e-mail, the JWT issuer the token endpoint expects. */
  public String clientEmail() {
    return "herald-sender@" + projectId + ".iam.gserviceaccount.com";
  }

  /** The JSON key file of the simulator's service account, as Google Cloud hands it out. */
  public String serviceAccountJson() {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(serviceAccountKey.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key = JSON.createObjectNode();
    key.put("type", "service_account");
    key.put("project_id", projectId);
    key.put("private_key_id", privateKeyId);
    key.put("private_key", pem);
    key.put("client_email", clientEmail());
    key.put(
        "client_id", "1" + Long.toString(Math.abs(RANDOM.nextLong() % 100_000_000_000_000_000L)));
    key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
    key.put("token_uri", TOKEN_URI);
    key.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
    key.put(
        "client_x509_cert_url",
        "https://www.googleapis.com/robot/v1/metadata/x509/" + clientEmail());
    key.put("universe_domain", "googleapis.com");
    return key.toString();
  }

  /**
   * Lets {@code accessToken} authorise sends for an hour, as if the token endpoint had issued it.
   */
  public FcmSimulator acceptAccessToken(String accessToken) {
    accessTokens.put(
        Objects.requireNonNull(accessToken, "accessToken"),
        Instant.now().plus(Duration.ofHours(1)));
    return this;
  }

  /**
   * Forgets every access token issued or accepted: the next send is 401 until a new one is fetched.
   */
  public FcmSimulator revokeAccessTokens() {
    accessTokens.clear();
    return this;
  }

  // ---- token registry -------------------------------------------------------------------------

  /** Makes {@code token} answer 404 {@code UNREGISTERED} from now on. */
  public FcmSimulator unregister(String token) {
    unregistered.add(Objects.requireNonNull(token, "token"));
    return this;
  }

  /** Makes {@code token} answer 403 {@code SENDER_ID_MISMATCH} from now on. */
  public FcmSimulator registerToOtherSender(String token) {
    otherSender.add(Objects.requireNonNull(token, "token"));
    return this;
  }

  // ---- scripted faults ------------------------------------------------------------------------

  /** Answers the next {@code times} sends with {@code error}, without {@code Retry-After}. */
  public FcmSimulator failNext(int times, FcmError error) {
    return failNext(times, error, null);
  }

  /**
   * Answers the next {@code times} sends with {@code error} and, if not null, {@code Retry-After}
   * in seconds.
   */
  public FcmSimulator failNext(int times, FcmError error, Duration retryAfter) {
    Objects.requireNonNull(error, "error");
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    faults.add(times, new Fail(error, retryAfter));
    return this;
  }

  /**
   * Holds the response to the next {@code times} sends back for {@code delay}, then handles them
   * normally (a message may be accepted after its client gave up); {@link #close()} ends a delay.
   */
  public FcmSimulator delayNext(int times, Duration delay) {
    if (Objects.requireNonNull(delay, "delay").isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    faults.add(times, new Delay(delay));
    return this;
  }

  /**
   * Breaks the next {@code times} send responses (200 with HTML, or a truncated 200); nothing is
   * recorded.
   */
  public FcmSimulator malformedNext(int times, Malformation kind) {
    faults.add(times, new Malformed(Objects.requireNonNull(kind, "kind")));
    return this;
  }

  public int pendingFaults() {
    return faults.pending();
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The accepted messages, in the order they were accepted. */
  public List<ReceivedFcmMessage> messages() {
    return messages.kept();
  }

  /**
   * For load runs: from now on each accepted message goes to {@code listener} (on the request's
   * thread) instead of being kept, so that {@link #messages()} stops growing and memory stays flat.
   */
  public FcmSimulator forwardMessages(Consumer<? super ReceivedFcmMessage> listener) {
    messages.forwardTo(listener);
    return this;
  }

  /** The accepted messages to {@code token}. */
  public List<ReceivedFcmMessage> messagesTo(String token) {
    return messages().stream().filter(m -> token.equals(m.token())).toList();
  }

  /** Sends received ({@code messages:send}), including rejected and faulted ones. */
  public int requests() {
    return requests.get();
  }

  /** Requests to the token endpoint. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** Forgets messages, counts, faults and the token registry (not issued access tokens). */
  public void reset() {
    faults.clear();
    unregistered.clear();
    otherSender.clear();
    messages.clear();
    requests.set(0);
    tokenRequests.set(0);
  }

  @Override
  public int accepted() {
    return messages().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.FCM;
  }

  @Override
  public String endpoint() {
    return baseUrl();
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("serviceAccount", serviceAccountJson());
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FcmSimulator[" + projectId + " at " + baseUrl() + "]";
  }

  // ---- request handling -----------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Body body = SimulatorServer.readBody(exchange.getRequestBody(), 1024 * 1024);
      if (TOKEN_PATH.equals(path)) {
        tokenRequests.incrementAndGet();
        handleToken(exchange, body);
        return;
      }
      Matcher send = SEND_PATH.matcher(path);
      if (!send.matches()) {
        sendGoogleError(
            exchange,
            404,
            "NOT_FOUND",
            "The requested URL " + path + " was not found on this server.",
            null,
            List.of());
        return;
      }
      requests.incrementAndGet();
      switch (faults.next()) {
        case null -> {}
        case Fail f -> {
          if (f.retryAfter() != null) {
            exchange
                .getResponseHeaders()
                .set("Retry-After", Long.toString(f.retryAfter().toSeconds()));
          }
          sendFcmError(exchange, f.error(), f.error().message(), List.of());
          return;
        }
        case Malformed m -> {
          SimulatorServer.sendMalformed(exchange, m.kind(), 200);
          return;
        }
        case Delay d -> {
          if (server.awaitClosing(d.delay())) {
            return;
          }
        }
      }
      handleSend(exchange, send.group(1), body);
    }
  }

  private void handleSend(HttpExchange exchange, String project, Body body) throws IOException {
    if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      sendGoogleError(exchange, 405, "METHOD_NOT_ALLOWED", "Method not allowed", null, List.of());
      return;
    }
    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange
          .getResponseHeaders()
          .set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
      sendFcmError(
          exchange, FcmError.UNAUTHENTICATED, FcmError.UNAUTHENTICATED.message(), List.of());
      return;
    }
    if (!projectId.equals(project)) {
      sendGoogleError(
          exchange,
          403,
          "PERMISSION_DENIED",
          "Permission 'cloudmessaging.messages.create' denied on "
              + "resource '//cloudresourcemanager.googleapis.com/projects/"
              + project
              + "' (or it may not exist).",
          null,
          List.of());
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(body.bytes());
    } catch (IOException e) {
      request = null;
    }
    if (request == null || !request.isObject()) {
      sendFcmError(
          exchange,
          FcmError.INVALID_ARGUMENT,
          "Invalid JSON payload received. Expected an object.",
          List.of());
      return;
    }
    List<Violation> violations = new ArrayList<>();
    request
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!name.equals("message") && !name.equals("validate_only")) {
                violations.add(
                    new Violation(
                        name,
                        "Invalid JSON payload received. Unknown name \""
                            + name
                            + "\": Cannot find field."));
              }
            });
    JsonNode message = request.get("message");
    violations.addAll(FcmMessageValidator.validate(message));
    if (!violations.isEmpty()) {
      sendFcmError(
          exchange, FcmError.INVALID_ARGUMENT, violations.get(0).description(), violations);
      return;
    }
    String token = textOrNull(message.get("token"));
    if (token != null && unregistered.contains(token)) {
      sendFcmError(exchange, FcmError.UNREGISTERED, FcmError.UNREGISTERED.message(), List.of());
      return;
    }
    if (token != null && otherSender.contains(token)) {
      sendFcmError(
          exchange, FcmError.SENDER_ID_MISMATCH, FcmError.SENDER_ID_MISMATCH.message(), List.of());
      return;
    }
    String name =
        "projects/"
            + projectId
            + "/messages/0:"
            + System.currentTimeMillis()
            + messageCounter.incrementAndGet()
            + "%"
            + HexFormat.of().formatHex(randomBytes(8));
    Map<String, String> data = new LinkedHashMap<>();
    message.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    String topic = textOrNull(message.get("topic"));
    ReceivedFcmMessage received =
        new ReceivedFcmMessage(
            name,
            token,
            topic == null ? null : topic.replaceFirst("^/topics/", ""),
            textOrNull(message.get("condition")),
            data,
            message.get("notification"),
            message.get("android"),
            message.get("webpush"),
            message.get("apns"),
            request.path("validate_only").asBoolean(false),
            message);
    messages.add(received);
    SimulatorServer.sendJson(exchange, 200, JSON.createObjectNode().put("name", name));
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    Instant expires = accessTokens.get(header.substring(7).strip());
    return expires != null && expires.isAfter(Instant.now());
  }

  // ---- OAuth2 token endpoint ------------------------------------------------------------------

  private void handleToken(HttpExchange exchange, Body body) throws IOException {
    if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      sendOAuthError(exchange, 405, "invalid_request", "Method not allowed");
      return;
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.text().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (!JWT_BEARER.equals(form.get("grant_type"))) {
      sendOAuthError(
          exchange, 400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
      return;
    }
    String problem = assertionProblem(form.get("assertion"));
    if (problem != null) {
      sendOAuthError(exchange, 400, "invalid_grant", problem);
      return;
    }
    String accessToken =
        "ya29.sim-" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    accessTokens.put(accessToken, Instant.now().plus(Duration.ofHours(1)));
    ObjectNode answer = JSON.createObjectNode();
    answer.put("access_token", accessToken);
    answer.put("expires_in", 3600);
    answer.put("token_type", "Bearer");
    SimulatorServer.sendJson(exchange, 200, answer);
  }

  /** Why a JWT-bearer assertion is refused, or {@code null} if it is good. */
  private String assertionProblem(String assertion) {
    if (assertion == null) {
      return "Missing required parameter: assertion";
    }
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return "Invalid JWT: malformed";
    }
    JsonNode header;
    JsonNode claims;
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      header = JSON.readTree(b64.decode(parts[0]));
      claims = JSON.readTree(b64.decode(parts[1]));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(serviceAccountKey.getPublic());
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!"RS256".equals(header.path("alg").asText()) || !rs256.verify(b64.decode(parts[2]))) {
        return "Invalid JWT Signature.";
      }
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return "Invalid JWT Signature.";
    }
    long now = Instant.now().getEpochSecond();
    if (!clientEmail().equals(claims.path("iss").asText())) {
      return "Invalid JWT: issuer is not the service account";
    }
    if (!TOKEN_URI.equals(claims.path("aud").asText())) {
      return "Invalid JWT: audience must be " + TOKEN_URI;
    }
    long iat = claims.path("iat").asLong(0);
    long exp = claims.path("exp").asLong(0);
    if (exp <= now || iat > now + 300 || exp - iat > 3600) {
      return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
    }
    if (claims.path("scope").asText().isBlank()) {
      return "Invalid JWT: no scope";
    }
    return null;
  }

  // ---- responses ------------------------------------------------------------------------------

  private static void sendFcmError(
      HttpExchange exchange, FcmError error, String message, List<Violation> violations)
      throws IOException {
    sendGoogleError(
        exchange,
        error.httpStatus(),
        error.status(),
        message,
        error.hasFcmDetail() ? error.name() : null,
        violations);
  }

  /** Google's error body: {@code {"error":{"code","message","status","details":[...]}}}. */
  private static void sendGoogleError(
      HttpExchange exchange,
      int httpStatus,
      String status,
      String message,
      String fcmErrorCode,
      List<Violation> violations)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", httpStatus);
    error.put("message", message);
    error.put("status", status);
    ArrayNode details = JSON.createArrayNode();
    if (fcmErrorCode != null) {
      details.addObject().put("@type", FCM_ERROR_TYPE).put("errorCode", fcmErrorCode);
    }
    if (!violations.isEmpty()) {
      ArrayNode list =
          details.addObject().put("@type", BAD_REQUEST_TYPE).putArray("fieldViolations");
      violations.forEach(
          v -> list.addObject().put("field", v.field()).put("description", v.description()));
    }
    if (!details.isEmpty()) {
      error.set("details", details);
    }
    SimulatorServer.sendJson(exchange, httpStatus, root);
  }

  private static void sendOAuthError(
      HttpExchange exchange, int status, String error, String description) throws IOException {
    SimulatorServer.sendJson(
        exchange,
        status,
        JSON.createObjectNode().put("error", error).put("error_description", description));
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
