package dev.herald.testkit.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Twilio's Programmable Messaging API, {@code POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json}, on plain HTTP at 127.0.0.1 and a free port, for
 * testing through the real twilio SDK (route its connections here; the URL it builds stays {@code
 * https://api.twilio.com/...}).
 *
 * <h2>What it answers</h2>
 *
 * Every request is counted ({@link #requests()}) and read in full. Then, in order:
 *
 * <ol>
 *   <li>the next scripted fault, if any ({@link #failNext}, {@link #rateLimitNext}, {@link
 *       #delayNext}, {@link #malformedNext}), consumed one per request in order;
 *   <li>20404 for any other path, 20004 for a method other than POST;
 *   <li>20003 (401, with {@code WWW-Authenticate}) unless HTTP Basic auth names the account SID
 *       with its auth token, or one of its API keys ({@link #addApiKey}) with its secret; 20404 if
 *       the path names another account;
 *   <li>the form ({@code application/x-www-form-urlencoded}) checked as Twilio does: 21604 without
 *       {@code To}, 21603 without {@code From} or {@code MessagingServiceSid}, 21602 without {@code
 *       Body}, 21617 for a body over 1,600 characters, 21211 for a {@code To} that is not E.164,
 *       21212 for a bad {@code From}, 21701 for a malformed Messaging Service SID, 21609 for a
 *       {@code StatusCallback} that is not an http(s) URL;
 *   <li>the outcome scripted for the {@code To} number ({@link #rejectNumber}), e.g. 21610 for a
 *       recipient who replied STOP, 21614 for a landline;
 *   <li>otherwise 201 with Twilio's message resource ({@code sid} {@code SM…}, {@code status}
 *       {@code queued}, or {@code accepted} for a Messaging Service, {@code num_segments}, …),
 *       recorded as a {@link ReceivedSms}.
 * </ol>
 *
 * Errors are Twilio's JSON: {@code {"code":21211,"message":"...","more_info":
 * "https://www.twilio.com/docs/errors/21211","status":400}}. Messages name the number concerned, as
 * Twilio's do (so logs that echo them must mask it).
 *
 * <p>Thread-safe: requests are served concurrently, and everything can be scripted from any thread.
 */
public final class TwilioSimulator implements ProviderSimulator {
  /** Longest body Twilio takes (characters). */
  public static final int MAX_BODY_CHARS = 1600;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern PATH =
      Pattern.compile("^/2010-04-01/Accounts/([^/]+)/Messages\\.json$");
  private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
  private static final Pattern SHORT_CODE = Pattern.compile("^[0-9]{5,6}$");
  private static final Pattern ALPHANUMERIC_SENDER =
      Pattern.compile("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$");
  private static final Pattern MESSAGING_SERVICE = Pattern.compile("^MG[0-9a-f]{32}$");
  private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final String GSM7 =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String GSM7_EXTENSION = "\f^{}\\[~]|€";

  private sealed interface Fault {}

  private record Fail(TwilioError error, Duration retryAfter) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Malformed(Malformation kind) implements Fault {}

  private final String accountSid;
  private final String authToken;
  private final Map<String, String> apiKeys = new ConcurrentHashMap<>();
  private final Map<String, TwilioError> numberOutcomes = new ConcurrentHashMap<>();
  private final Faults<Fault> faults = new Faults<>();
  private final Recorded<ReceivedSms> messages = new Recorded<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final HeldAnswers holds = new HeldAnswers();
  private final SimulatorServer server;

  private TwilioSimulator(String accountSid, String authToken) {
    this.accountSid = Objects.requireNonNull(accountSid, "accountSid");
    this.authToken = Objects.requireNonNull(authToken, "authToken");
    this.server = SimulatorServer.start("Twilio", this::handle);
  }

  /** Starts a simulator of the account {@code accountSid} ({@code AC…}) with its auth token. */
  public static TwilioSimulator start(String accountSid, String authToken) {
    return new TwilioSimulator(accountSid, authToken);
  }

  /**
   * Starts a simulator of a new random account (see {@link #accountSid()}, {@link #authToken()}).
   */
  public static TwilioSimulator start() {
    return start(newSid("AC"), HexFormat.of().formatHex(randomBytes(16)));
  }

  /** A random SID with Twilio's shape: the two-letter prefix and 32 lower-case hex digits. */
  public static String newSid(String prefix) {
    return prefix + HexFormat.of().formatHex(randomBytes(16));
  }

  public String accountSid() {
    return accountSid;
  }

  public String authToken() {
    return authToken;
  }

  /** Lets an API key of the account ({@code SK…}) authenticate with its secret. */
  public TwilioSimulator addApiKey(String keySid, String secret) {
    apiKeys.put(Objects.requireNonNull(keySid, "keySid"), Objects.requireNonNull(secret, "secret"));
    return this;
  }

  public int port() {
    return server.port();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return server.host();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return server.baseUrl();
  }

  // ---- scripted outcomes ----------------------------------------------------------------------

  /**
   * Answers every message to {@code to} with Twilio's error {@code code} (21211, 21610, 21614, ...)
   * from now on, until {@link #acceptNumber} or {@link #reset()}.
   */
  public TwilioSimulator rejectNumber(String to, int code) {
    numberOutcomes.put(Objects.requireNonNull(to, "to"), TwilioError.of(code));
    return this;
  }

  /** Forgets what {@link #rejectNumber} scripted for {@code to}. */
  public TwilioSimulator acceptNumber(String to) {
    numberOutcomes.remove(to);
    return this;
  }

  /**
   * Answers the next {@code times} requests with Twilio's error {@code code}, whatever they are
   * (20003, 20429, 20500, 20503, 21211, ...).
   */
  public TwilioSimulator failNext(int times, int code) {
    faults.add(times, new Fail(TwilioError.of(code), null));
    return this;
  }

  /**
   * Answers the next {@code times} requests with 429 / 20429 and {@code Retry-After} in seconds.
   */
  public TwilioSimulator rateLimitNext(int times, Duration retryAfter) {
    requireNonNegative(retryAfter, "retryAfter");
    faults.add(times, new Fail(TwilioError.TOO_MANY_REQUESTS, retryAfter));
    return this;
  }

  /**
   * Holds the response to the next {@code times} requests back for {@code delay}, then handles them
   * normally: a message may be accepted after its client gave up. {@link #close()} ends a delay
   * early, without answering.
   */
  public TwilioSimulator delayNext(int times, Duration delay) {
    requireNonNegative(delay, "delay");
    faults.add(times, new Delay(delay));
    return this;
  }

  /**
   * Breaks the next {@code times} responses: {@link Malformation#GARBAGE_BODY} answers 200 with
   * HTML, {@link Malformation#TRUNCATED} 201 with half a body; nothing is recorded.
   */
  public TwilioSimulator malformedNext(int times, Malformation kind) {
    faults.add(times, new Malformed(Objects.requireNonNull(kind, "kind")));
    return this;
  }

  /**
   * Accepts the next message as usual (it shows in what the simulator saw, with its id) but holds
   * the answer back until the returned action runs (or {@link #close()} drops it).
   */
  public Runnable holdNextAnswer() {
    return holds.holdNext();
  }

  public int pendingFaults() {
    return faults.pending();
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The accepted messages, in the order they were accepted. */
  public List<ReceivedSms> messages() {
    return messages.kept();
  }

  /**
   * For load runs: from now on each accepted message goes to {@code listener} (on the request's
   * thread) instead of being kept, so that {@link #messages()} stops growing and memory stays flat.
   */
  public TwilioSimulator forwardMessages(Consumer<? super ReceivedSms> listener) {
    messages.forwardTo(listener);
    return this;
  }

  /** The accepted messages to {@code to}. */
  public List<ReceivedSms> messagesTo(String to) {
    return messages().stream().filter(m -> m.to().equals(to)).toList();
  }

  /** Every request received so far, including rejected and faulted ones. */
  public int requests() {
    return requests.get();
  }

  /** Forgets scripted faults not yet consumed; keeps what it received. */
  public void clearFaults() {
    faults.clear();
  }

  /**
   * Forgets messages, the request count, scripted faults and per-number outcomes (not API keys).
   */
  public void reset() {
    faults.clear();
    holds.clear();
    numberOutcomes.clear();
    messages.clear();
    requests.set(0);
  }

  @Override
  public int accepted() {
    return messages().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.TWILIO;
  }

  @Override
  public String endpoint() {
    return baseUrl();
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("accountSid", accountSid(), "authToken", authToken());
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "TwilioSimulator[" + baseUrl() + "]";
  }

  // ---- request handling -----------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      Body body = SimulatorServer.readBody(exchange.getRequestBody(), 64 * 1024);
      switch (faults.next()) {
        case null -> {}
        case Fail f -> {
          if (f.retryAfter() != null) {
            exchange
                .getResponseHeaders()
                .set("Retry-After", Long.toString(f.retryAfter().toSeconds()));
          }
          sendError(exchange, f.error(), exchange.getRequestURI().getPath());
          return;
        }
        case Malformed m -> {
          SimulatorServer.sendMalformed(exchange, m.kind(), 201);
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
    String path = exchange.getRequestURI().getPath();
    Matcher matcher = PATH.matcher(path);
    if (!matcher.matches()) {
      sendError(exchange, TwilioError.NOT_FOUND, path);
      return;
    }
    if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "GET, POST");
      sendError(exchange, TwilioError.METHOD_NOT_ALLOWED, path);
      return;
    }
    String user = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
    if (user == null) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Twilio API\"");
      sendError(exchange, TwilioError.AUTHENTICATE, path);
      return;
    }
    if (!accountSid.equals(matcher.group(1))) {
      sendError(exchange, TwilioError.NOT_FOUND, path);
      return;
    }
    Map<String, String> form = parseForm(body.text());
    String to = form.get("To");
    String from = form.get("From");
    String service = form.get("MessagingServiceSid");
    String text = form.get("Body");
    String callback = form.get("StatusCallback");
    TwilioError problem = null;
    String subject = null;
    if (blank(to)) {
      problem = TwilioError.TO_REQUIRED;
    } else if (blank(from) && blank(service)) {
      problem = TwilioError.FROM_REQUIRED;
    } else if (blank(text)) {
      problem = TwilioError.BODY_REQUIRED;
    } else if (text.length() > MAX_BODY_CHARS) {
      problem = TwilioError.BODY_TOO_LONG;
    } else if (!E164.matcher(to).matches()) {
      problem = TwilioError.INVALID_TO;
      subject = to;
    } else if (!blank(from)
        && !E164.matcher(from).matches()
        && !SHORT_CODE.matcher(from).matches()
        && !ALPHANUMERIC_SENDER.matcher(from).matches()) {
      problem = TwilioError.INVALID_FROM;
      subject = from;
    } else if (blank(from) && !MESSAGING_SERVICE.matcher(service).matches()) {
      problem = TwilioError.INVALID_MESSAGING_SERVICE;
      subject = service;
    } else if (callback != null && !isHttpUrl(callback)) {
      problem = TwilioError.INVALID_STATUS_CALLBACK;
      subject = callback;
    } else {
      problem = numberOutcomes.get(to);
      subject = to;
    }
    if (problem != null) {
      sendError(exchange, problem, subject);
      return;
    }
    String sid = newSid("SM");
    int segments = segments(text);
    ReceivedSms sms =
        new ReceivedSms(
            sid,
            accountSid,
            user,
            to,
            blank(from) ? null : from,
            blank(service) ? null : service,
            text,
            callback,
            segments,
            form);
    messages.add(sms);
    if (holds.awaitRelease(server)) {
      return;
    }
    SimulatorServer.sendJson(exchange, 201, resource(sms));
  }

  /** The authenticated user (account SID or API key SID), or {@code null}. */
  private String authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    if (user.equals(accountSid) && password.equals(authToken)) {
      return user;
    }
    return password.equals(apiKeys.get(user)) ? user : null;
  }

  private ObjectNode resource(ReceivedSms sms) {
    String now = ZonedDateTime.now(ZoneOffset.UTC).format(RFC_2822);
    String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sms.sid();
    ObjectNode m = JSON.createObjectNode();
    m.put("account_sid", accountSid);
    m.put("api_version", "2010-04-01");
    m.put("body", sms.body());
    m.put("date_created", now);
    m.putNull("date_sent");
    m.put("date_updated", now);
    m.put("direction", "outbound-api");
    m.putNull("error_code");
    m.putNull("error_message");
    m.put("from", sms.from());
    m.put("messaging_service_sid", sms.messagingServiceSid());
    m.put("num_media", "0");
    m.put("num_segments", Integer.toString(sms.numSegments()));
    m.putNull("price");
    m.put("price_unit", "USD");
    m.put("sid", sms.sid());
    m.put("status", sms.from() == null ? "accepted" : "queued");
    m.putObject("subresource_uris").put("media", uri + "/Media.json");
    m.put("to", sms.to());
    m.put("uri", uri + ".json");
    return m;
  }

  private static void sendError(HttpExchange exchange, TwilioError error, String subject)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("code", error.code());
    body.put("message", error.message(subject));
    body.put("more_info", "https://www.twilio.com/docs/errors/" + error.code());
    body.put("status", error.status());
    SimulatorServer.sendJson(exchange, error.status(), body);
  }

  /**
   * Segments as Twilio bills them: GSM-7 160 / 153 per part (extension characters take two), else
   * UCS-2 70 / 67.
   */
  static int segments(String text) {
    boolean gsm =
        text.codePoints().allMatch(c -> GSM7.indexOf(c) >= 0 || GSM7_EXTENSION.indexOf(c) >= 0);
    int units =
        gsm
            ? text.codePoints().map(c -> GSM7_EXTENSION.indexOf(c) >= 0 ? 2 : 1).sum()
            : text.length();
    int single = gsm ? 160 : 70;
    int part = gsm ? 153 : 67;
    return units <= single ? 1 : (units + part - 1) / part;
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

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static void requireNonNegative(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
