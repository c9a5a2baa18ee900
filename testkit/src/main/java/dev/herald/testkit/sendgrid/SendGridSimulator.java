package dev.herald.testkit.sendgrid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.http.Faults;
import dev.herald.testkit.http.HeldAnswers;
import dev.herald.testkit.http.Recorded;
import dev.herald.testkit.http.SimulatorServer;
import dev.herald.testkit.http.SimulatorServer.Body;
import dev.herald.testkit.sendgrid.MailSendValidator.ApiError;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A local stand-in for SendGrid's v3 Mail Send API ({@code POST /v3/mail/send}) on plain HTTP,
 * bound to 127.0.0.1 on a free port, for testing through the real sendgrid-java SDK:
 *
 * <pre>{@code
 * try (SendGridSimulator sim = SendGridSimulator.start("SG.test-key")) {
 *   SendGrid sg = new SendGrid("SG.test-key", true);   // true: plain HTTP
 *   sg.setHost(sim.host());
 *   ...
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 *
 * Every request is counted ({@link #requests()}) and its body read in full. Then, in order:
 *
 * <ol>
 *   <li>the next scripted fault, if any ({@link #failNext}, {@link #rateLimitNext}, {@link
 *       #malformedNext}, {@link #delayNext}); faults are consumed one per request, in the order
 *       they were scripted, whatever the request;
 *   <li>404 for any path but {@code /v3/mail/send}, 405 for a method other than POST;
 *   <li>401 unless {@code Authorization: Bearer <apiKey>};
 *   <li>413 when the body exceeds the size limit (30 MiB, as SendGrid's, unless configured);
 *   <li>400 {@code {"errors":[{"message","field","help"}...]}} for a body that is not a JSON object
 *       or that SendGrid would reject, listing every problem with the field SendGrid names ({@code
 *       from.email}, {@code personalizations.0.to}, {@code subject}, {@code content}, ...);
 *   <li>otherwise 202 with an empty body and a unique {@code X-Message-Id}; the mail is recorded as
 *       one {@link ReceivedMail} per personalization.
 * </ol>
 *
 * A delay fault holds the response back and then handles the request normally, so a client that
 * timed out may still have had its mail accepted, as with the real service. The other faults answer
 * instead of normal handling and record nothing.
 *
 * <p>Header names are written with only their first letter in upper case ({@code X-message-id});
 * HTTP header names are case-insensitive, so look them up that way.
 *
 * <p>Thread-safe: requests are served concurrently, one virtual thread each, and faults can be
 * scripted from any thread.
 */
public final class SendGridSimulator implements ProviderSimulator {
  /** The path of the Mail Send endpoint. */
  public static final String MAIL_SEND_PATH = "/v3/mail/send";

  /** SendGrid's limit on the size of a request: 30 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 30L * 1024 * 1024;

  /** The {@code X-RateLimit-Limit} reported with a 429. */
  public static final int RATE_LIMIT = 600;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UNAUTHORIZED =
      "The provided authorization grant is invalid, expired, or revoked";

  /** How a {@link #malformedNext(int, Malformation) malformed} response is broken. */
  public enum Malformation {
    /** 200 with {@code Content-Type: application/json} but an HTML body and no message id. */
    GARBAGE_BODY,
    /** 202 announcing a body longer than what is sent before the connection is closed. */
    TRUNCATED
  }

  private sealed interface Fault {}

  private record Fail(int status) implements Fault {}

  private record RateLimit(Duration reset) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Malformed(Malformation kind) implements Fault {}

  private final String apiKey;
  private final long maxBodyBytes;
  private final SimulatorServer server;
  private final Faults<Fault> faults = new Faults<>();
  private volatile Instant outageUntil = Instant.MIN;
  private volatile int outageStatus;

  /** During an outage from {@link #rateLimitFor}: 429s whose reset is the outage's end. */
  private volatile boolean outageRateLimits;

  private final Recorded<ReceivedMail> mails = new Recorded<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final HeldAnswers holds = new HeldAnswers();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final List<Instant> arrivals = new ArrayList<>();
  private final AtomicLong messageCounter = new AtomicLong();

  private SendGridSimulator(String apiKey, long maxBodyBytes) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
    this.server = SimulatorServer.start("SendGrid", this::handle);
  }

  /** Starts a simulator that accepts {@code apiKey}, with SendGrid's 30 MiB request limit. */
  public static SendGridSimulator start(String apiKey) {
    return start(apiKey, DEFAULT_MAX_BODY_BYTES);
  }

  /** Starts a simulator that accepts {@code apiKey} and answers 413 above {@code maxBodyBytes}. */
  public static SendGridSimulator start(String apiKey, long maxBodyBytes) {
    return new SendGridSimulator(apiKey, maxBodyBytes);
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return server.port();
  }

  /** {@code 127.0.0.1:<port>}, what sendgrid-java's {@code setHost} takes. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://" + host();
  }

  /** The API key it accepts. */
  public String apiKey() {
    return apiKey;
  }

  // ---- scripted faults ----------------------------------------------------------------------

  /**
   * Answers the next {@code times} requests with {@code status} (400–599) and a SendGrid error body
   * {@code {"errors":[{"field":null,"message":...}]}}; 429 comes with the rate-limit headers as
   * from {@link #rateLimitNext} with a one-second reset.
   */
  public SendGridSimulator failNext(int times, int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    return enqueue(times, status == 429 ? new RateLimit(Duration.ofSeconds(1)) : new Fail(status));
  }

  /**
   * Answers every request with {@code status} for {@code duration} from now, whatever else is
   * scripted: an outage that lasts a time, however many calls the client makes meanwhile.
   */
  public SendGridSimulator failFor(Duration duration, int status) {
    outageStatus = status;
    outageRateLimits = false;
    outageUntil = Instant.now().plus(duration);
    return this;
  }

  /**
   * Answers every request with 429 for {@code duration} from now, {@code X-RateLimit-Reset} being
   * the end of that time (rounded up to the second, as SendGrid's epoch seconds are): an account
   * over its rate, however many calls the client makes meanwhile.
   */
  public SendGridSimulator rateLimitFor(Duration duration) {
    outageStatus = 429;
    outageRateLimits = true;
    outageUntil = Instant.now().plus(duration);
    return this;
  }

  /**
   * Answers the next {@code times} requests with 429, {@code X-RateLimit-Limit}, {@code
   * X-RateLimit-Remaining: 0} and {@code X-RateLimit-Reset} set to the epoch second {@code reset}
   * from the moment of the answer, and SendGrid's body {@code
   * {"errors":[{"field":null,"message":"too many requests"}]}}.
   */
  public SendGridSimulator rateLimitNext(int times, Duration reset) {
    requireNonNegative(reset, "reset");
    return enqueue(times, new RateLimit(reset));
  }

  /**
   * Holds the response to the next {@code times} requests back for {@code delay}, then handles them
   * normally (a mail may be accepted after its client gave up). {@link #close()} ends a delay
   * early, without answering.
   */
  public SendGridSimulator delayNext(int times, Duration delay) {
    requireNonNegative(delay, "delay");
    return enqueue(times, new Delay(delay));
  }

  /** Breaks the next {@code times} responses as {@link Malformation#GARBAGE_BODY}. */
  public SendGridSimulator malformedNext(int times) {
    return malformedNext(times, Malformation.GARBAGE_BODY);
  }

  /** Breaks the next {@code times} responses in the given way; nothing is recorded. */
  public SendGridSimulator malformedNext(int times, Malformation kind) {
    return enqueue(times, new Malformed(Objects.requireNonNull(kind, "kind")));
  }

  /**
   * Accepts the next mail as usual (it shows in what the simulator saw, with its id) but holds the
   * answer back until the returned action runs (or {@link #close()} drops it).
   */
  public Runnable holdNextAnswer() {
    return holds.holdNext();
  }

  /** Faults scripted and not yet consumed. */
  public int pendingFaults() {
    return faults.pending();
  }

  // ---- what it saw ----------------------------------------------------------------------------

  /** The accepted mails so far, one per personalization, in the order they were accepted. */
  public List<ReceivedMail> mails() {
    return mails.kept();
  }

  /**
   * For load runs: from now on each accepted mail goes to {@code listener} (on the request's
   * thread) instead of being kept, and arrival times are no longer kept either, so that {@link
   * #mails()} and {@link #arrivals()} stop growing and memory stays flat.
   */
  public SendGridSimulator forwardMails(Consumer<? super ReceivedMail> listener) {
    mails.forwardTo(listener);
    return this;
  }

  /** The accepted mails with {@code email} among their to/cc/bcc recipients (case-insensitive). */
  public List<ReceivedMail> mailsTo(String email) {
    return mails().stream()
        .filter(m -> m.allRecipients().stream().anyMatch(r -> r.equalsIgnoreCase(email)))
        .toList();
  }

  /** Every request received so far, including rejected and faulted ones. */
  public int requests() {
    return requests.get();
  }

  /**
   * Requests it is serving now: at a crash of a client, the calls that may be accepted but not
   * recorded.
   */
  public int requestsInFlight() {
    return inFlight.get();
  }

  /** The most requests it was serving at one time (a delay counts as serving). */
  public int peakConcurrentRequests() {
    return peakInFlight.get();
  }

  /** When each request arrived, in order. */
  public List<Instant> arrivals() {
    synchronized (arrivals) {
      return List.copyOf(arrivals);
    }
  }

  /** Ends an outage and forgets scripted faults not yet consumed; keeps what it received. */
  public void clearFaults() {
    faults.clear();
    outageUntil = Instant.MIN;
  }

  /** Forgets recorded mails, request counts and times, and any scripted faults not yet consumed. */
  public void reset() {
    faults.clear();
    outageUntil = Instant.MIN;
    holds.clear();
    mails.clear();
    synchronized (arrivals) {
      arrivals.clear();
    }
    requests.set(0);
    peakInFlight.set(inFlight.get());
  }

  /** Stops listening, ends pending delays and closes open connections. */
  @Override
  public int accepted() {
    return mails().size();
  }

  @Override
  public ProviderType type() {
    return ProviderType.SENDGRID;
  }

  @Override
  public String endpoint() {
    return baseUrl();
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("apiKey", apiKey);
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "SendGridSimulator[" + baseUrl() + "]";
  }

  // ---- request handling -----------------------------------------------------------------------

  private SendGridSimulator enqueue(int times, Fault fault) {
    faults.add(times, fault);
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    Instant arrived = Instant.now();
    if (mails.keeping()) {
      synchronized (arrivals) {
        arrivals.add(arrived);
      }
    }
    try (exchange) {
      Body body;
      Fault fault;
      try {
        requests.incrementAndGet();
        body = SimulatorServer.readBody(exchange.getRequestBody(), maxBodyBytes);
        Instant now = Instant.now();
        Instant until = outageUntil;
        fault =
            !now.isBefore(until)
                ? faults.next()
                : outageRateLimits
                    ? new RateLimit(Duration.between(now, until))
                    : new Fail(outageStatus);
        if (fault instanceof Delay d && server.awaitClosing(d.delay())) {
          return; // closing: drop the exchange unanswered
        }
      } finally {
        // no longer in flight before the answer is written: a client holding its answer must never
        // find its request still counted, or the next request would look concurrent with it
        inFlight.decrementAndGet();
      }
      switch (fault) {
        case null -> {}
        case Delay d -> {}
        case Fail f -> {
          sendErrors(exchange, f.status(), simpleErrors(messageFor(f.status())));
          return;
        }
        case RateLimit r -> {
          Instant at = Instant.now().plus(r.reset());
          long reset = at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0);
          exchange.getResponseHeaders().set("X-RateLimit-Limit", Integer.toString(RATE_LIMIT));
          exchange.getResponseHeaders().set("X-RateLimit-Remaining", "0");
          exchange.getResponseHeaders().set("X-RateLimit-Reset", Long.toString(reset));
          sendErrors(exchange, 429, simpleErrors("too many requests"));
          return;
        }
        case Malformed m -> {
          sendMalformed(exchange, m.kind());
          return;
        }
      }
      handleNormally(exchange, body, arrived);
    }
  }

  private void handleNormally(HttpExchange exchange, Body body, Instant arrived)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!MAIL_SEND_PATH.equals(path) && !(MAIL_SEND_PATH + "/").equals(path)) {
      sendErrors(exchange, 404, simpleErrors("resource not found"));
      return;
    }
    if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      sendErrors(exchange, 405, simpleErrors("method not allowed"));
      return;
    }
    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      sendErrors(exchange, 401, fieldErrors(List.of(new ApiError(UNAUTHORIZED, null, null))));
      return;
    }
    if (body.tooLarge()) {
      sendErrors(
          exchange,
          413,
          simpleErrors("The JSON payload you have included in your request is too large."));
      return;
    }
    JsonNode mail;
    try {
      mail = JSON.readTree(body.bytes());
    } catch (IOException e) {
      mail = null;
    }
    if (mail == null || !mail.isObject()) {
      sendErrors(exchange, 400, fieldErrors(List.of(new ApiError("Bad Request", null, null))));
      return;
    }
    List<ApiError> errors = MailSendValidator.validate(mail);
    if (!errors.isEmpty()) {
      sendErrors(exchange, 400, fieldErrors(errors));
      return;
    }
    String messageId = newMessageId();
    record(messageId, mail, arrived);
    if (holds.awaitRelease(server)) {
      return;
    }
    exchange.getResponseHeaders().set("X-Message-Id", messageId);
    exchange.sendResponseHeaders(202, -1);
  }

  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    return space > 0
        && h.substring(0, space).equalsIgnoreCase("Bearer")
        && h.substring(space + 1).strip().equals(apiKey);
  }

  private void record(String messageId, JsonNode mail, Instant arrived) {
    JsonNode personalizations = mail.get("personalizations");
    JsonNode from = mail.get("from");
    String html = null;
    String text = null;
    JsonNode content = mail.get("content");
    if (content != null && content.isArray()) {
      for (JsonNode block : content) {
        String type = block.path("type").asText().toLowerCase(Locale.ROOT);
        if (type.equals("text/html") && html == null) {
          html = block.path("value").asText();
        } else if (type.equals("text/plain") && text == null) {
          text = block.path("value").asText();
        }
      }
    }
    List<String> categories = new ArrayList<>();
    mail.path("categories").forEach(c -> categories.add(c.asText()));
    List<ReceivedMail> received = new ArrayList<>(personalizations.size());
    for (int i = 0; i < personalizations.size(); i++) {
      JsonNode p = personalizations.get(i);
      Map<String, String> headers = stringMap(mail.get("headers"));
      headers.putAll(stringMap(p.get("headers")));
      Map<String, String> customArgs = stringMap(mail.get("custom_args"));
      customArgs.putAll(stringMap(p.get("custom_args")));
      JsonNode subject = p.hasNonNull("subject") ? p.get("subject") : mail.get("subject");
      JsonNode data = p.get("dynamic_template_data");
      JsonNode sender = p.hasNonNull("from") ? p.get("from") : from;
      received.add(
          new ReceivedMail(
              messageId,
              i,
              sender.get("email").asText(),
              textOrNull(sender.get("name")),
              addresses(p.get("to")),
              addresses(p.get("cc")),
              addresses(p.get("bcc")),
              textOrNull(mail.path("reply_to").get("email")),
              textOrNull(subject),
              html,
              text,
              textOrNull(mail.get("template_id")),
              data == null || data.isNull() ? null : data.deepCopy(),
              headers,
              customArgs,
              categories,
              mail,
              arrived));
    }
    mails.addAll(received);
  }

  private static List<ReceivedMail.Address> addresses(JsonNode array) {
    List<ReceivedMail.Address> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode a : array) {
        out.add(new ReceivedMail.Address(a.get("email").asText(), textOrNull(a.get("name"))));
      }
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
  }

  /** A SendGrid-style id: 16 random bytes as 22 characters of URL-safe base64, plus a counter. */
  private String newMessageId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    long n = messageCounter.incrementAndGet();
    // the counter rules out repeats within one simulator regardless of the random part
    bytes[0] = (byte) (n >>> 24);
    bytes[1] = (byte) (n >>> 16);
    bytes[2] = (byte) (n >>> 8);
    bytes[3] = (byte) n;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // ---- responses ------------------------------------------------------------------------------

  private static String messageFor(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> UNAUTHORIZED;
      case 403 -> "access forbidden";
      case 404 -> "resource not found";
      case 413 -> "The JSON payload you have included in your request is too large.";
      case 500 -> "internal server error";
      case 502 -> "bad gateway";
      case 503 -> "service unavailable";
      case 504 -> "gateway timeout";
      default -> "error";
    };
  }

  /** {@code {"errors":[{"field":null,"message":...}]}}, SendGrid's form for 429 and 5xx. */
  private static ObjectNode simpleErrors(String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putArray("errors").addObject();
    error.putNull("field");
    error.put("message", message);
    return root;
  }

  /** {@code {"errors":[{"message","field","help"}...]}}, SendGrid's form for 400 and 401. */
  private static ObjectNode fieldErrors(List<ApiError> errors) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("errors");
    for (ApiError e : errors) {
      ObjectNode entry = array.addObject();
      entry.put("message", e.message());
      entry.put("field", e.field());
      entry.put("help", e.help());
    }
    return root;
  }

  private static void sendErrors(HttpExchange exchange, int status, ObjectNode body)
      throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendMalformed(HttpExchange exchange, Malformation kind) throws IOException {
    switch (kind) {
      case GARBAGE_BODY ->
          SimulatorServer.sendMalformed(
              exchange, dev.herald.testkit.http.Malformation.GARBAGE_BODY, 200);
      case TRUNCATED -> {
        exchange.getResponseHeaders().set("X-Message-Id", "truncated");
        SimulatorServer.sendMalformed(
            exchange, dev.herald.testkit.http.Malformation.TRUNCATED, 202);
      }
    }
  }

  private static void requireNonNegative(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
