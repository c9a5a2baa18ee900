package dev.herald.testkit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import dev.herald.testkit.http.Malformation;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwilioSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String TO = "+14155552671";
  private static final String FROM = "+15005550006";
  private static TwilioSimulator sim;

  @BeforeAll
  static void start() {
    sim = TwilioSimulator.start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.reset();
  }

  /** The real SDK, its connections routed to the simulator (the URL stays api.twilio.com). */
  private static TwilioRestClient sdk(String user, String password) {
    HttpRoute route = new HttpRoute(new HttpHost("http", "127.0.0.1", sim.port()));
    NetworkHttpClient http =
        new NetworkHttpClient(
            HttpClientBuilder.create()
                .setRoutePlanner((target, context) -> route)
                .disableAutomaticRetries());
    return new TwilioRestClient.Builder(user, password)
        .accountSid(sim.accountSid())
        .httpClient(http)
        .build();
  }

  private static HttpResponse<String> post(Map<String, String> form, String user, String password)
      throws Exception {
    return post(
        "/2010-04-01/Accounts/" + sim.accountSid() + "/Messages.json", form, user, password);
  }

  private static HttpResponse<String> post(
      String path, Map<String, String> form, String user, String password) throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(Map<String, String> form) throws Exception {
    return post(form, sim.accountSid(), sim.authToken());
  }

  private static Map<String, String> sms(String to, String body) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("To", to);
    form.put("From", FROM);
    form.put("Body", body);
    return form;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void theSdkSendsAndReadsBackTheMessageResource() {
    Message message =
        Message.creator(new PhoneNumber(TO), new PhoneNumber(FROM), "Hello from Herald")
            .setStatusCallback(URI.create("https://hooks.example/status"))
            .create(sdk(sim.accountSid(), sim.authToken()));

    assertThat(message.getSid()).matches("^SM[0-9a-f]{32}$");
    assertThat(message.getStatus()).isEqualTo(Message.Status.QUEUED);
    assertThat(message.getNumSegments()).isEqualTo("1");
    assertThat(message.getTo()).isEqualTo(TO);
    ReceivedSms received = sim.messages().get(0);
    assertThat(received.sid()).isEqualTo(message.getSid());
    assertThat(received.statusCallback()).isEqualTo("https://hooks.example/status");
    assertThat(received.body()).isEqualTo("Hello from Herald");
  }

  @Test
  void theSdkGetsTwilioErrorsAsApiExceptions() {
    sim.rejectNumber(TO, 21610);
    assertThatThrownBy(
            () ->
                Message.creator(new PhoneNumber(TO), new PhoneNumber(FROM), "hi")
                    .create(sdk(sim.accountSid(), sim.authToken())))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(21610);
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getMoreInfo()).isEqualTo("https://www.twilio.com/docs/errors/21610");
            });
    sim.acceptNumber(TO);
    assertThat(
            Message.creator(new PhoneNumber(TO), new PhoneNumber(FROM), "hi")
                .create(sdk(sim.accountSid(), sim.authToken()))
                .getSid())
        .startsWith("SM");
  }

  @Test
  void authenticatesWithTheAuthTokenOrAnApiKey() throws Exception {
    HttpResponse<String> anonymous = post(sms(TO, "hi"), null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"Twilio API\"");
    assertThat(json(anonymous))
        .isEqualTo(
            JSON.readTree(
                "{\"code\":20003,\"message\":\"Authenticate\","
                    + "\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}"));
    assertThat(post(sms(TO, "hi"), sim.accountSid(), "wrong").statusCode()).isEqualTo(401);

    String key = TwilioSimulator.newSid("SK");
    sim.addApiKey(key, "secret");
    assertThat(post(sms(TO, "hi"), key, "secret").statusCode()).isEqualTo(201);
    assertThat(sim.messages().get(0).authenticatedAs()).isEqualTo(key);

    HttpResponse<String> otherAccount =
        post(
            "/2010-04-01/Accounts/" + TwilioSimulator.newSid("AC") + "/Messages.json",
            sms(TO, "hi"),
            sim.accountSid(),
            sim.authToken());
    assertThat(json(otherAccount).path("code").asInt()).isEqualTo(20404);
  }

  @Test
  void checksTheFormAsTwilioDoes() throws Exception {
    Map<String, String> noTo = sms(TO, "hi");
    noTo.remove("To");
    assertThat(json(send(noTo)).path("code").asInt()).isEqualTo(21604);
    Map<String, String> noFrom = sms(TO, "hi");
    noFrom.remove("From");
    assertThat(json(send(noFrom)).path("code").asInt()).isEqualTo(21603);
    assertThat(json(send(sms(TO, ""))).path("code").asInt()).isEqualTo(21602);
    assertThat(json(send(sms(TO, "x".repeat(1601)))).path("code").asInt()).isEqualTo(21617);

    HttpResponse<String> badTo = send(sms("555-1234", "hi"));
    assertThat(badTo.statusCode()).isEqualTo(400);
    assertThat(json(badTo).path("code").asInt()).isEqualTo(21211);
    assertThat(json(badTo).path("message").asText())
        .isEqualTo("The 'To' number 555-1234 is not a valid phone number.");

    Map<String, String> badCallback = sms(TO, "hi");
    badCallback.put("StatusCallback", "not a url");
    assertThat(json(send(badCallback)).path("code").asInt()).isEqualTo(21609);
    assertThat(sim.messages()).isEmpty();
    assertThat(sim.requests()).isEqualTo(6);
  }

  @Test
  void aMessagingServiceSendsWithoutAFromNumber() throws Exception {
    Map<String, String> form = new LinkedHashMap<>(Map.of("To", TO, "Body", "hi"));
    form.put("MessagingServiceSid", TwilioSimulator.newSid("MG"));
    HttpResponse<String> accepted = send(form);
    assertThat(accepted.statusCode()).isEqualTo(201);
    assertThat(json(accepted).path("status").asText()).isEqualTo("accepted");
    assertThat(json(accepted).path("from").isNull()).isTrue();

    form.put("MessagingServiceSid", "MG123");
    assertThat(json(send(form)).path("code").asInt()).isEqualTo(21701);
  }

  @Test
  void scriptedPerNumberOutcomesStickUntilForgotten() throws Exception {
    sim.rejectNumber(TO, 21614);
    assertThat(json(send(sms(TO, "hi"))).path("code").asInt()).isEqualTo(21614);
    assertThat(json(send(sms(TO, "hi"))).path("code").asInt()).isEqualTo(21614);
    assertThat(send(sms("+14155550100", "hi")).statusCode()).isEqualTo(201);
  }

  @Test
  void faultsAreConsumedInOrder() throws Exception {
    sim.rateLimitNext(1, Duration.ofSeconds(7)).failNext(1, 20503).failNext(1, 20003);
    HttpResponse<String> limited = send(sms(TO, "hi"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(json(limited).path("code").asInt()).isEqualTo(20429);
    assertThat(send(sms(TO, "hi")).statusCode()).isEqualTo(503);
    assertThat(send(sms(TO, "hi")).statusCode()).isEqualTo(401);
    assertThat(send(sms(TO, "hi")).statusCode()).isEqualTo(201);
    assertThat(sim.pendingFaults()).isZero();
  }

  @Test
  void aDelayedMessageIsStillAcceptedAfterTheClientGaveUp() {
    sim.delayNext(1, Duration.ofMillis(800));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    sim.baseUrl() + "/2010-04-01/Accounts/" + sim.accountSid() + "/Messages.json"))
            .timeout(Duration.ofMillis(200))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (sim.accountSid() + ":" + sim.authToken())
                                .getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "To=%2B14155552671&From=%2B15005550006&Body=late"))
            .build();
    assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.http.HttpTimeoutException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(sim.messages()).hasSize(1));
  }

  @Test
  void malformedAnswersBreakTheSdksParsing() throws Exception {
    sim.malformedNext(1, Malformation.GARBAGE_BODY).malformedNext(1, Malformation.TRUNCATED);
    HttpResponse<String> garbage = send(sms(TO, "hi"));
    assertThat(garbage.statusCode()).isEqualTo(200);
    assertThat(garbage.body()).startsWith("<html>");
    assertThatThrownBy(
            () ->
                Message.creator(new PhoneNumber(TO), new PhoneNumber(FROM), "hi")
                    .create(sdk(sim.accountSid(), sim.authToken())))
        .isInstanceOf(ApiException.class);
    assertThat(sim.messages()).isEmpty();
  }

  @Test
  void countsSegmentsAsTwilioBillsThem() {
    assertThat(TwilioSimulator.segments("a".repeat(160))).isEqualTo(1);
    assertThat(TwilioSimulator.segments("a".repeat(161))).isEqualTo(2);
    assertThat(TwilioSimulator.segments("€".repeat(81))).isEqualTo(2);
    assertThat(TwilioSimulator.segments("😀".repeat(35))).isEqualTo(1);
    assertThat(TwilioSimulator.segments("Привет".repeat(12))).isEqualTo(2);
  }
}
