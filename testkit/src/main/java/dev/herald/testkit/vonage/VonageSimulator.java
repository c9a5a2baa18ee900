package dev.herald.testkit.vonage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.http.HeldAnswers;
import dev.herald.testkit.http.Malformation;
import dev.herald.testkit.http.Recorded;
import dev.herald.testkit.http.SimulatorServer;
import dev.herald.testkit.http.SimulatorServer.Body;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for Vonage's SMS API, {@code POST /sms/json}, on plain HTTP at 127.0.0.1 and a
 * free port, for testing through the real Vonage SDK (its REST base URL set to {@link #baseUrl()}).
 *
 * <h2>What it answers</h2>
 *
 * Every request is counted ({@link #requests()}) and read in full. Then, in order:
 *
 * <ol>
 *   <li>the next scripted fault, if any ({@link #failNext}, {@link #httpErrorNext}, {@link
 *       #delayNext}, {@link #malformedNext}), consumed one per request in order;
 *   <li>404 for any other path, 405 for a method other than POST;
 *   <li>status 4 (Bad Credentials, HTTP 200 as Vonage answers it) unless HTTP Basic auth or the
 *       {@code api_key} / {@code api_secret} parameters name the key with one of its secrets (a key
 *       has two during a rotation: {@link #addSecret}, {@link #removeSecret});
 *   <li>the form checked as Vonage does: status 2 without {@code from}, {@code to} or {@code text};
 *       3 for a {@code to} that is not a number, a {@code from} that is neither a number nor an
 *       alphanumeric id of up to 11 characters, a {@code type} other than {@code text} or {@code
 *       unicode}, or a {@code ttl} outside 20 s – 7 days; 23 for a {@code callback} that is not an
 *       http(s) URL;
 *   <li>the status scripted for the {@code to} number ({@link #rejectNumber}), e.g. 7 for a barred
 *       number, 6 for an unroutable one;
 *   <li>otherwise 200 with a message per part (as carriers count parts: GSM-7 153 / UCS-2 67 after
 *       one of 160 / 70), each with its {@code message-id} and status 0, recorded as a {@link
 *       ReceivedVonageSms}.
 * </ol>
 *
 * Numbers in the JSON are strings, as Vonage writes them. Errors name the number concerned, as
 * Vonage's do (so logs that echo them must mask it).
 *
 * <p>It also calls Herald as Vonage does: {@link #deliveryReceipt} and {@link #inboundMessage}
 * build signed webhook parameters ({@link #sign}), which {@link #post} sends as a form.
 *
 * <p>Thread-safe: requests are served concurrently, and everything can be scripted from any thread.
 */
public final class VonageSimulator implements ProviderSimulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern NUMBER = Pattern.compile("^\\+?[1-9][0-9]{6,14}$");
  private static final Pattern SENDER =
      Pattern.compile("^(\\+?[0-9]{3,15}|[A-Za-z0-9][A-Za-z0-9 ]{0,9}[A-Za-z0-9]|[A-Za-z0-9])$");
  private static final String GSM7 =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String GSM7_EXTENSION = "\f^{}\\[~]|€";
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SCTS =
      DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);

  private sealed interface Fault {}

  private record Fail(VonageStatus status) implements Fault {}

  private record HttpError(int status, Duration retryAfter) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Malformed(Malformation kind) implements Fault {}

  private final String apiKey;
  private final String apiSecret;
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final String signatureSecret;
  private final String signatureMethod;
  private final Map<String, VonageStatus> numberOutcomes = new ConcurrentHashMap<>();
  private final Faults<Fault> faults = new Faults<>();
  private final Recorded<ReceivedVonageSms> messages = new Recorded<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final HeldAnswers holds = new HeldAnswers();
  private final HttpClient webhooks =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final SimulatorServer server;

  private VonageSimulator(
      String apiKey, String apiSecret, String signatureSecret, String signatureMethod) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.apiSecret = Objects.requireNonNull(apiSecret, "apiSecret");
    this.secrets.add(apiSecret);
    this.signatureSecret = Objects.requireNonNull(signatureSecret, "signatureSecret");
    this.signatureMethod =
        Objects.requireNonNull(signatureMethod, "signatureMethod").toLowerCase(Locale.ROOT);
    signature(
        Map.of(),
        "check",
        this.signatureMethod); // an unknown method fails here, not at the first webhook
    this.server = SimulatorServer.start("Vonage", this::handle);
  }

  /**
   * Starts a simulator of the account {@code apiKey} with one secret, signing webhooks with {@code
   * signatureSecret} by {@code signatureMethod} ({@code md5hash}, {@code md5}, {@code sha1}, {@code
   * sha256}, {@code sha512}).
   */
  public static VonageSimulator start(
      String apiKey, String apiSecret, String signatureSecret, String signatureMethod) {
    return new VonageSimulator(apiKey, apiSecret, signatureSecret, signatureMethod);
  }

  /**
   * Starts a simulator of a new random account that signs webhooks with {@code signatureMethod}.
   */
  public static VonageSimulator start(String signatureMethod) {
    return start(hex(4), hex(8), hex(24), signatureMethod);
  }

  /** Starts a simulator of a new random account that signs webhooks with HMAC-SHA256. */
  public static VonageSimulator start() {
    return start("sha256");
  }

  public String apiKey() {
    return apiKey;
  }

  /** The secret the account started with (valid until {@link #removeSecret} removes it). */
  public String apiSecret() {
    return apiSecret;
  }

  public Set<String> secrets() {
    return Set.copyOf(secrets);
  }

  public String signatureSecret() {
    return signatureSecret;
  }

  public String signatureMethod() {
    return signatureMethod;
  }

  /** Lets {@code secret} authenticate too: the first half of a rotation. */
  public VonageSimulator addSecret(String secret) {
    secrets.add(Objects.requireNonNull(secret, "secret"));
    return this;
  }

  /** Stops accepting {@code secret}: the end of a rotation. */
  public VonageSimulator removeSecret(String secret) {
    secrets.remove(secret);
    return this;
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return server.baseUrl();
  }

  // ---- scripted outcomes ----------------------------------------------------------------------

  /**
   * Answers every message to {@code to} (with or without {@code +}) with {@code status}, until
   * {@link #acceptNumber} or {@link #reset()}.
   */
  public VonageSimulator rejectNumber(String to, VonageStatus status) {
    numberOutcomes.put(
        digits(Objects.requireNonNull(to, "to")), Objects.requireNonNull(status, "status"));
    return this;
  }

  public VonageSimulator acceptNumber(String to) {
    numberOutcomes.remove(digits(to));
    return this;
  }

  /** Answers the next {@code times} requests with {@code status} (HTTP 200), whatever they are. */
  public VonageSimulator failNext(int times, VonageStatus status) {
    faults.add(times, new Fail(Objects.requireNonNull(status, "status")));
    return this;
  }

  /**
   * Answers the next {@code times} requests with HTTP {@code status} (429, 500, 503 …) and a body
   * that is not the SMS API's JSON, with {@code Retry-After} in seconds unless {@code retryAfter}
   * is null.
   */
  public VonageSimulator httpErrorNext(int times, int status, Duration retryAfter) {
    faults.add(times, new HttpError(status, retryAfter));
    return this;
  }

  /**
   * Holds the answer to the next {@code times} requests back for {@code delay}, then handles them
   * normally.
   */
  public VonageSimulator delayNext(int times, Duration delay) {
    if (Objects.requireNonNull(delay, "delay").isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    faults.add(times, new Delay(delay));
    return this;
  }

  /**
   * Breaks the next {@code times} answers: {@link Malformation#GARBAGE_BODY} answers 200 with HTML,
   * {@link Malformation#TRUNCATED} 200 with half a body; nothing is recorded.
   */
  public VonageSimulator malformedNext(int times, Malformation kind) {
    faults.add(times, new Malformed(Objects.requireNonNull(kind, "kind")));
    return this;
  }

  /** Accepts the next message as usual but holds the answer back until the returned action runs. */
  public Runnable holdNextAnswer() {
    return holds.holdNext();
  }

  public int pendingFaults() {
    return faults.pending();
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The accepted messages, in the order they were accepted. */
  public List<ReceivedVonageSms> messages() {
    return messages.kept();
  }

  /** For load runs: each accepted message goes to {@code listener} instead of being kept. */
  public VonageSimulator forwardMessages(Consumer<? super ReceivedVonageSms> listener) {
    messages.forwardTo(listener);
    return this;
  }

  /** The accepted messages to {@code to}, with or without its {@code +}. */
  public List<ReceivedVonageSms> messagesTo(String to) {
    String wanted = digits(to);
    return messages().stream().filter(m -> digits(m.to()).equals(wanted)).toList();
  }

  /** Every request received so far, including rejected and faulted ones. */
  public int requests() {
    return requests.get();
  }

  /** Forgets messages, the request count, scripted faults and per-number outcomes (not secrets). */
  public void reset() {
    faults.clear();
    holds.clear();
    numberOutcomes.clear();
    messages.clear();
    requests.set(0);
  }

  // ---- webhooks to Herald ---------------------------------------------------------------------

  /**
   * A delivery receipt for part {@code part} of {@code sms}, signed: {@code status} is {@code
   * delivered}, {@code failed}, {@code rejected}, {@code expired}, {@code accepted}, {@code
   * buffered} or {@code unknown}, {@code errCode} Vonage's {@code err-code} ("0" when delivered).
   */
  public Map<String, String> deliveryReceipt(
      ReceivedVonageSms sms, int part, String status, String errCode) {
    Instant now = Instant.now();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("msisdn", digits(sms.to()));
    p.put("to", sms.from());
    p.put("network-code", "26202");
    p.put("messageId", sms.messageIds().get(part));
    p.put("price", "0.03330000");
    p.put("status", status);
    p.put("scts", SCTS.format(now));
    p.put("err-code", errCode);
    p.put("api-key", apiKey);
    if (sms.clientRef() != null) {
      p.put("client-ref", sms.clientRef());
    }
    p.put("message-timestamp", TIMESTAMP.format(now));
    return sign(p);
  }

  /** An inbound SMS from {@code from} to {@code to} (numbers in either form), signed. */
  public Map<String, String> inboundMessage(String from, String to, String text) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("msisdn", digits(from));
    p.put("to", digits(to));
    p.put("messageId", messageId());
    p.put("text", text);
    p.put("type", isGsm7(text) ? "text" : "unicode");
    p.put("keyword", text.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
    p.put("api-key", apiKey);
    p.put("message-timestamp", TIMESTAMP.format(Instant.now()));
    return sign(p);
  }

  /**
   * {@code params} with {@code timestamp} (now), a {@code nonce} and their {@code sig}, as Vonage
   * signs webhooks.
   */
  public Map<String, String> sign(Map<String, String> params) {
    return sign(params, Instant.now());
  }

  /** {@code params} signed as of {@code at} (for stale-timestamp tests). */
  public Map<String, String> sign(Map<String, String> params, Instant at) {
    Map<String, String> signed = new LinkedHashMap<>(params);
    signed.remove("sig");
    signed.put("timestamp", Long.toString(at.getEpochSecond()));
    signed.put("nonce", java.util.UUID.randomUUID().toString());
    signed.put("sig", signature(signed, signatureSecret, signatureMethod));
    return signed;
  }

  /**
   * Vonage's signature of {@code params} (any {@code sig} and empty values left out): sorted {@code
   * &name=value} with {@code &} and {@code =} replaced by {@code _}; MD5 of it and the secret for
   * {@code md5hash}, else the HMAC keyed with the secret; lower-case hex.
   */
  public static String signature(Map<String, String> params, String secret, String method) {
    String text =
        new TreeMap<>(params)
            .entrySet().stream()
                .filter(
                    e ->
                        !"sig".equals(e.getKey())
                            && e.getValue() != null
                            && !e.getValue().trim().isEmpty())
                .map(
                    e ->
                        "&"
                            + e.getKey().replaceAll("[&=]", "_")
                            + "="
                            + e.getValue().replaceAll("[&=]", "_"))
                .collect(Collectors.joining());
    return "md5hash".equals(method) ? md5(text + secret) : hmac(text, secret, method);
  }

  /**
   * Posts {@code params} to {@code url} as a form, as Vonage's "POST" webhooks do; returns the HTTP
   * status.
   */
  public int post(String url, Map<String, String> params) {
    String body =
        params.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(url, "application/x-www-form-urlencoded", body);
  }

  /** Posts {@code params} to {@code url} as a JSON object, as Vonage's "POST-JSON" webhooks do. */
  public int postJson(String url, Map<String, String> params) {
    try {
      return send(url, "application/json", JSON.writeValueAsString(params));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int send(String url, String contentType, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .header("User-Agent", "Vonage-Simulator")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return webhooks.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int accepted() {
    return messages().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.VONAGE;
  }

  @Override
  public String endpoint() {
    return baseUrl();
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of(
        "apiKey",
        apiKey,
        "apiSecret",
        apiSecret,
        "signatureSecret",
        signatureSecret,
        "signatureMethod",
        signatureMethod);
  }

  @Override
  public void close() {
    server.close();
    webhooks.close();
  }

  @Override
  public String toString() {
    return "VonageSimulator[" + baseUrl() + "]";
  }

  // ---- request handling -----------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      Body body = SimulatorServer.readBody(exchange.getRequestBody(), 64 * 1024);
      switch (faults.next()) {
        case null -> {}
        case Fail f -> {
          sendStatus(exchange, f.status(), null, null);
          return;
        }
        case HttpError h -> {
          if (h.retryAfter() != null) {
            exchange
                .getResponseHeaders()
                .set("Retry-After", Long.toString(h.retryAfter().toSeconds()));
          }
          SimulatorServer.sendBytes(
              exchange,
              h.status(),
              "text/plain",
              ("HTTP " + h.status()).getBytes(StandardCharsets.UTF_8));
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
      handleNormally(exchange, body);
    }
  }

  private void handleNormally(HttpExchange exchange, Body body) throws IOException {
    if (!"/sms/json".equals(exchange.getRequestURI().getPath())) {
      SimulatorServer.sendBytes(
          exchange, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET, POST");
      SimulatorServer.sendBytes(
          exchange, 405, "text/plain", "Method Not Allowed".getBytes(StandardCharsets.UTF_8));
      return;
    }
    Map<String, String> form = parseForm(body.text());
    String secret = authenticate(exchange.getRequestHeaders().getFirst("Authorization"), form);
    form.remove("api_key");
    form.remove("api_secret");
    if (secret == null) {
      sendStatus(exchange, VonageStatus.INVALID_CREDENTIALS, null, null);
      return;
    }
    String from = form.get("from");
    String to = form.get("to");
    String text = form.get("text");
    String type = form.getOrDefault("type", "text");
    String callback = form.get("callback");
    String ttl = form.get("ttl");
    VonageStatus problem = null;
    String subject = null;
    if (blank(from) || blank(to) || blank(text)) {
      problem = VonageStatus.MISSING_PARAMS;
      subject = blank(from) ? "from" : blank(to) ? "to" : "text";
    } else if (!NUMBER.matcher(to).matches()) {
      problem = VonageStatus.INVALID_PARAMS;
      subject = "to";
    } else if (!SENDER.matcher(from).matches()) {
      problem = VonageStatus.INVALID_PARAMS;
      subject = "from";
    } else if (!"text".equals(type) && !"unicode".equals(type)) {
      problem = VonageStatus.INVALID_PARAMS;
      subject = "type";
    } else if (ttl != null && !validTtl(ttl)) {
      problem = VonageStatus.INVALID_PARAMS;
      subject = "ttl";
    } else if (callback != null && !isHttpUrl(callback)) {
      problem = VonageStatus.INVALID_CALLBACK;
    } else {
      problem = numberOutcomes.get(digits(to));
      subject = to;
    }
    if (problem != null) {
      sendStatus(exchange, problem, subject, to);
      return;
    }
    int parts = parts(text, "unicode".equals(type));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      ids.add(messageId());
    }
    ReceivedVonageSms sms =
        new ReceivedVonageSms(
            ids,
            apiKey,
            secret,
            from,
            to,
            text,
            type,
            form.get("client-ref"),
            callback,
            ttl == null ? null : Long.parseLong(ttl),
            form);
    messages.add(sms);
    if (holds.awaitRelease(server)) {
      return;
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("message-count", Integer.toString(parts));
    ArrayNode list = answer.putArray("messages");
    for (String id : ids) {
      ObjectNode m = list.addObject();
      m.put("to", digits(to));
      m.put("message-id", id);
      m.put("status", "0");
      m.put("remaining-balance", "15.53590000");
      m.put("message-price", "0.03330000");
      m.put("network", "26202");
      if (sms.clientRef() != null) {
        m.put("client-ref", sms.clientRef());
      }
    }
    SimulatorServer.sendJson(exchange, 200, answer);
  }

  /** The secret the request authenticated with, or null. */
  private String authenticate(String header, Map<String, String> form) {
    String key = form.get("api_key");
    String secret = form.get("api_secret");
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          key = decoded.substring(0, colon);
          secret = decoded.substring(colon + 1);
        }
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return apiKey.equals(key) && secret != null && secrets.contains(secret) ? secret : null;
  }

  private static void sendStatus(
      HttpExchange exchange, VonageStatus status, String subject, String to) throws IOException {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("message-count", "1");
    ObjectNode m = answer.putArray("messages").addObject();
    if (to != null) {
      m.put("to", digits(to));
    }
    m.put("status", Integer.toString(status.code()));
    m.put("error-text", status.text(subject));
    SimulatorServer.sendJson(exchange, 200, answer);
  }

  /**
   * Parts as carriers count them: GSM-7 160 in one, else 153 each (extension characters two); UCS-2
   * 70, else 67.
   */
  static int parts(String text, boolean unicode) {
    boolean gsm = !unicode && isGsm7(text);
    int units =
        gsm
            ? text.codePoints().map(c -> GSM7_EXTENSION.indexOf(c) >= 0 ? 2 : 1).sum()
            : text.length();
    int single = gsm ? 160 : 70;
    int part = gsm ? 153 : 67;
    return units <= single ? 1 : (units + part - 1) / part;
  }

  private static boolean isGsm7(String text) {
    return text.codePoints().allMatch(c -> GSM7.indexOf(c) >= 0 || GSM7_EXTENSION.indexOf(c) >= 0);
  }

  private static boolean validTtl(String ttl) {
    try {
      long ms = Long.parseLong(ttl);
      return ms >= 20_000 && ms <= 604_800_000;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Map<String, String> parseForm(String form) {
    Map<String, String> params = new LinkedHashMap<>();
    if (form.isEmpty()) {
      return params;
    }
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private static String digits(String number) {
    return number == null ? "" : number.strip().replaceFirst("^\\+", "");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Vonage's message ids: 16 upper-case hex digits. */
  private static String messageId() {
    return hex(8).toUpperCase(Locale.ROOT);
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmac(String text, String secret, String method) {
    String algorithm =
        switch (method) {
          case "md5" -> "HmacMD5";
          case "sha1" -> "HmacSHA1";
          case "sha256" -> "HmacSHA256";
          case "sha512" -> "HmacSHA512";
          default ->
              throw new IllegalArgumentException(
                  "Vonage signs with md5hash, md5, sha1, sha256 or sha512, not " + method);
        };
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
