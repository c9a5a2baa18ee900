package dev.herald.testkit.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import dev.herald.testkit.sendgrid.SendGridSimulator.Malformation;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drives the simulator through the real sendgrid-java SDK, as Herald's SendGrid adapter will. */
@Timeout(30)
class SendGridSimulatorTest {
  private static final String KEY = "SG.testkit-key.abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SendGridSimulator sim;
  private SendGrid sendGrid;

  @BeforeEach
  void start() {
    sim = SendGridSimulator.start(KEY);
    sendGrid = sdk(KEY, sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static SendGrid sdk(String key, SendGridSimulator target) {
    SendGrid sg = new SendGrid(key, true); // true: plain HTTP
    sg.setHost(target.host());
    return sg;
  }

  private static Mail simpleMail(String to) {
    return new Mail(
        new Email("noreply@herald.dev", "Herald"),
        "Your code",
        new Email(to, "Ada"),
        new Content("text/plain", "Your code is 123456"));
  }

  private static Response send(SendGrid sg, Mail mail) throws IOException {
    return send(sg, mail.build());
  }

  private static Response send(SendGrid sg, String body) throws IOException {
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    request.setBody(body);
    return sg.api(request);
  }

  /** sendgrid-java's response headers are case-sensitive; HTTP's are not. */
  private static String header(Response response, String name) {
    return response.getHeaders().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  private static List<String> errorFields(Response response) throws IOException {
    JsonNode errors = JSON.readTree(response.getBody()).get("errors");
    assertThat(errors).isNotNull();
    List<String> fields = new ArrayList<>();
    errors.forEach(e -> fields.add(e.get("field").isNull() ? null : e.get("field").asText()));
    return fields;
  }

  @Test
  void acceptsAMailAndRecordsOnePerPersonalization() throws IOException {
    Mail mail = new Mail();
    mail.setFrom(new Email("noreply@herald.dev", "Herald"));
    mail.setSubject("Order shipped");
    mail.addContent(new Content("text/plain", "Shipped"));
    mail.addContent(new Content("text/html", "<p>Shipped</p>"));
    mail.addCategory("orders");
    mail.addHeader("List-Unsubscribe", "<mailto:unsubscribe@herald.dev>");
    mail.addCustomArg("herald_delivery", "d-1");
    Personalization first = new Personalization();
    first.addTo(new Email("ada@example.com", "Ada"));
    first.addCc(new Email("grace@example.com"));
    first.addCustomArg("herald_delivery", "d-2");
    mail.addPersonalization(first);
    Personalization second = new Personalization();
    second.addTo(new Email("alan@example.org"));
    second.setSubject("Your order shipped, Alan");
    mail.addPersonalization(second);

    Response response = send(sendGrid, mail);

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getBody()).isEmpty();
    String messageId = header(response, "X-Message-Id");
    assertThat(messageId).isNotBlank();
    assertThat(sim.requests()).isEqualTo(1);

    List<ReceivedMail> mails = sim.mails();
    assertThat(mails).hasSize(2);
    ReceivedMail a = mails.get(0);
    assertThat(a.messageId()).isEqualTo(messageId);
    assertThat(a.personalizationIndex()).isZero();
    assertThat(a.from()).isEqualTo("noreply@herald.dev");
    assertThat(a.fromName()).isEqualTo("Herald");
    assertThat(a.to()).containsExactly(new ReceivedMail.Address("ada@example.com", "Ada"));
    assertThat(a.cc()).extracting(ReceivedMail.Address::email).containsExactly("grace@example.com");
    assertThat(a.subject()).isEqualTo("Order shipped");
    assertThat(a.text()).isEqualTo("Shipped");
    assertThat(a.html()).isEqualTo("<p>Shipped</p>");
    assertThat(a.categories()).containsExactly("orders");
    assertThat(a.headers()).containsEntry("List-Unsubscribe", "<mailto:unsubscribe@herald.dev>");
    assertThat(a.customArgs()).containsEntry("herald_delivery", "d-2"); // personalization wins
    assertThat(a.raw().get("personalizations")).hasSize(2);

    ReceivedMail b = mails.get(1);
    assertThat(b.messageId()).isEqualTo(messageId);
    assertThat(b.toEmails()).containsExactly("alan@example.org");
    assertThat(b.subject()).isEqualTo("Your order shipped, Alan");
    assertThat(b.customArgs()).containsEntry("herald_delivery", "d-1");
    assertThat(sim.mailsTo("GRACE@example.com")).containsExactly(a);
  }

  @Test
  void givesEveryRequestADifferentMessageId() throws IOException {
    Response one = send(sendGrid, simpleMail("a@example.com"));
    Response two = send(sendGrid, simpleMail("b@example.com"));
    assertThat(header(one, "X-Message-Id")).isNotEqualTo(header(two, "X-Message-Id"));
    assertThat(sim.mails())
        .extracting(ReceivedMail::messageId)
        .containsExactly(header(one, "X-Message-Id"), header(two, "X-Message-Id"));
  }

  @Test
  void acceptsATemplateWithoutContentOrSubject() throws IOException {
    Mail mail = new Mail();
    mail.setFrom(new Email("noreply@herald.dev"));
    mail.setTemplateId("d-0123456789abcdef0123456789abcdef");
    Personalization p = new Personalization();
    p.addTo(new Email("ada@example.com"));
    p.addDynamicTemplateData("code", "123456");
    mail.addPersonalization(p);

    assertThat(send(sendGrid, mail).getStatusCode()).isEqualTo(202);
    ReceivedMail received = sim.mails().get(0);
    assertThat(received.templateId()).isEqualTo("d-0123456789abcdef0123456789abcdef");
    assertThat(received.subject()).isNull();
    assertThat(received.dynamicTemplateData().get("code").asText()).isEqualTo("123456");
  }

  @Test
  void rejectsAWrongOrMissingApiKeyWith401() throws IOException {
    Response wrong = send(sdk("SG.wrong", sim), simpleMail("ada@example.com"));
    assertThat(wrong.getStatusCode()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.getBody()))
        .isEqualTo(
            JSON.readTree(
                "{\"errors\":[{\"message\":\"The provided authorization grant is invalid, expired, or revoked\","
                    + "\"field\":null,\"help\":null}]}"));

    SendGrid anonymous = sdk(KEY, sim);
    anonymous.removeRequestHeader("Authorization");
    assertThat(send(anonymous, simpleMail("ada@example.com")).getStatusCode()).isEqualTo(401);

    assertThat(sim.requests()).isEqualTo(2);
    assertThat(sim.mails()).isEmpty();
  }

  @Test
  void namesTheFieldsOfAnInvalidMailWith400() throws IOException {
    Mail noFrom = simpleMail("ada@example.com");
    noFrom.setFrom(null);
    Response response = send(sendGrid, noFrom);
    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(errorFields(response)).containsExactly("from.email");
    assertThat(JSON.readTree(response.getBody()).at("/errors/0/message").asText())
        .startsWith("The from object must be provided for every email send.");

    assertThat(errorFields(send(sendGrid, simpleMail("not-an-address"))))
        .containsExactly("personalizations.0.to.0.email");

    Mail noSubjectNoContent = new Mail();
    noSubjectNoContent.setFrom(new Email("noreply@herald.dev"));
    Personalization p = new Personalization();
    p.addTo(new Email("ada@example.com"));
    noSubjectNoContent.addPersonalization(p);
    assertThat(errorFields(send(sendGrid, noSubjectNoContent)))
        .containsExactly("subject", "content");

    ObjectNode noTo = (ObjectNode) JSON.readTree(simpleMail("ada@example.com").build());
    ((ObjectNode) noTo.get("personalizations").get(0)).remove("to");
    assertThat(errorFields(send(sendGrid, noTo.toString())))
        .containsExactly("personalizations.0.to");

    ObjectNode noPersonalizations =
        (ObjectNode) JSON.readTree(simpleMail("ada@example.com").build());
    noPersonalizations.remove("personalizations");
    assertThat(errorFields(send(sendGrid, noPersonalizations.toString())))
        .containsExactly("personalizations");

    ObjectNode emptyValue = (ObjectNode) JSON.readTree(simpleMail("ada@example.com").build());
    ((ObjectNode) emptyValue.get("content").get(0)).put("value", "");
    assertThat(errorFields(send(sendGrid, emptyValue.toString())))
        .containsExactly("content.0.value");

    ObjectNode numericArg = (ObjectNode) JSON.readTree(simpleMail("ada@example.com").build());
    numericArg.putObject("custom_args").put("attempt", 1);
    assertThat(errorFields(send(sendGrid, numericArg.toString())))
        .containsExactly("custom_args.attempt");

    Mail htmlFirst = simpleMail("ada@example.com");
    htmlFirst.getContent().add(0, new Content("text/html", "<p>code</p>"));
    assertThat(errorFields(send(sendGrid, htmlFirst))).containsExactly("content");

    Response notJson = send(sendGrid, "{not json");
    assertThat(notJson.getStatusCode()).isEqualTo(400);
    assertThat(errorFields(notJson)).containsExactly((String) null);

    assertThat(sim.mails()).isEmpty();
    assertThat(sim.requests()).isEqualTo(9);
  }

  @Test
  void rejectsDuplicatesAndMoreThanAThousandRecipients() throws IOException {
    Mail duplicate = simpleMail("ada@example.com");
    duplicate.getPersonalization().get(0).addBcc(new Email("ADA@example.com"));
    assertThat(errorFields(send(sendGrid, duplicate))).containsExactly("personalizations.0.bcc");

    ObjectNode big = (ObjectNode) JSON.readTree(simpleMail("r0@example.com").build());
    ArrayNode to = (ArrayNode) big.get("personalizations").get(0).get("to");
    for (int i = 1; i <= 1000; i++) {
      to.addObject().put("email", "r" + i + "@example.com");
    }
    Response tooMany = send(sendGrid, big.toString());
    assertThat(tooMany.getStatusCode()).isEqualTo(400);
    assertThat(errorFields(tooMany)).containsExactly("personalizations");

    to.remove(1000); // exactly 1000 is allowed
    assertThat(send(sendGrid, big.toString()).getStatusCode()).isEqualTo(202);
    assertThat(sim.mails().get(0).to()).hasSize(1000);
  }

  @Test
  void answers413AboveTheSizeLimit() throws IOException {
    try (SendGridSimulator small = SendGridSimulator.start(KEY, 4096)) {
      Mail mail = simpleMail("ada@example.com");
      mail.getContent().get(0).setValue("x".repeat(8192));
      Response response = send(sdk(KEY, small), mail);
      assertThat(response.getStatusCode()).isEqualTo(413);
      assertThat(JSON.readTree(response.getBody()).at("/errors/0/message").asText())
          .contains("too large");
      assertThat(small.mails()).isEmpty();

      assertThat(send(sdk(KEY, small), simpleMail("ada@example.com")).getStatusCode())
          .isEqualTo(202);
    }
  }

  @Test
  void rateLimitsWith429AndItsHeaders() throws IOException {
    sim.rateLimitNext(2, Duration.ofSeconds(30));
    long before = Instant.now().getEpochSecond();

    for (int i = 0; i < 2; i++) {
      Response limited = send(sendGrid, simpleMail("ada@example.com"));
      assertThat(limited.getStatusCode()).isEqualTo(429);
      assertThat(header(limited, "X-RateLimit-Limit"))
          .isEqualTo(Integer.toString(SendGridSimulator.RATE_LIMIT));
      assertThat(header(limited, "X-RateLimit-Remaining")).isEqualTo("0");
      assertThat(Long.parseLong(header(limited, "X-RateLimit-Reset")))
          .isBetween(before + 30, before + 32);
      assertThat(JSON.readTree(limited.getBody()))
          .isEqualTo(
              JSON.readTree("{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}"));
    }
    assertThat(send(sendGrid, simpleMail("ada@example.com")).getStatusCode()).isEqualTo(202);
    assertThat(sim.requests()).isEqualTo(3);
    assertThat(sim.mails()).hasSize(1);
  }

  @Test
  void failsWithScriptedServerErrorsInOrder() throws IOException {
    sim.failNext(1, 500).failNext(1, 503);
    assertThat(sim.pendingFaults()).isEqualTo(2);

    Response first = send(sendGrid, simpleMail("ada@example.com"));
    assertThat(first.getStatusCode()).isEqualTo(500);
    assertThat(JSON.readTree(first.getBody()).at("/errors/0/message").asText()).isNotBlank();
    Response second = send(sendGrid, simpleMail("ada@example.com"));
    assertThat(second.getStatusCode()).isEqualTo(503);
    assertThat(errorFields(second)).containsExactly((String) null);
    assertThat(send(sendGrid, simpleMail("ada@example.com")).getStatusCode()).isEqualTo(202);

    assertThat(sim.requests()).isEqualTo(3);
    assertThat(sim.mails()).hasSize(1);
    assertThat(sim.pendingFaults()).isZero();
  }

  @Test
  void delaysAResponseBeyondTheClientTimeoutAndStillAcceptsTheMail() throws IOException {
    RequestConfig timeouts =
        RequestConfig.custom().setConnectTimeout(2000).setSocketTimeout(300).build();
    SendGrid impatient =
        new SendGrid(
            KEY, new Client(HttpClients.custom().setDefaultRequestConfig(timeouts).build(), true));
    impatient.setHost(sim.host());
    sim.delayNext(1, Duration.ofSeconds(2));

    assertThatThrownBy(() -> send(impatient, simpleMail("ada@example.com")))
        .isInstanceOf(SocketTimeoutException.class);
    // the provider took the mail although the client gave up: the duplicate-send hazard
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sim.mails()).hasSize(1));

    assertThat(send(impatient, simpleMail("bob@example.com")).getStatusCode()).isEqualTo(202);
    assertThat(sim.mails()).hasSize(2);
  }

  @Test
  void countsRequestsServedAtOnceAndWhenEachArrived() throws Exception {
    sim.delayNext(3, Duration.ofMillis(500));
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var answers =
          java.util.stream.IntStream.range(0, 3)
              .mapToObj(
                  i ->
                      pool.submit(
                          () ->
                              send(sdk(KEY, sim), simpleMail("user" + i + "@example.com"))
                                  .getStatusCode()))
              .toList();
      for (var answer : answers) {
        assertThat(answer.get()).isEqualTo(202);
      }
    }
    send(sendGrid, simpleMail("last@example.com"));

    assertThat(sim.peakConcurrentRequests()).isEqualTo(3);
    assertThat(sim.arrivals()).hasSize(4).isSorted();
    sim.reset();
    assertThat(sim.arrivals()).isEmpty();
    assertThat(sim.peakConcurrentRequests()).isZero();
  }

  @Test
  void sendsMalformedResponses() throws IOException {
    sim.malformedNext(1).malformedNext(1, Malformation.TRUNCATED);

    Response garbage = send(sendGrid, simpleMail("ada@example.com"));
    assertThat(garbage.getStatusCode()).isEqualTo(200);
    assertThatThrownBy(() -> JSON.readTree(garbage.getBody())).isInstanceOf(IOException.class);

    assertThatThrownBy(() -> send(sendGrid, simpleMail("ada@example.com")))
        .isInstanceOf(IOException.class);

    assertThat(send(sendGrid, simpleMail("ada@example.com")).getStatusCode()).isEqualTo(202);
    assertThat(sim.requests()).isEqualTo(3);
    assertThat(sim.mails()).hasSize(1);
  }

  @Test
  void answersOtherPathsAndMethodsLikeTheApi() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v3/mail/send"))
                .header("Authorization", "Bearer " + KEY)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> other =
        http.send(
            HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v3/templates"))
                .header("Authorization", "Bearer " + KEY)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(other.body()).at("/errors/0/message").asText())
        .isEqualTo("resource not found");
  }

  @Test
  void resetForgetsMailsRequestsAndFaults() throws IOException {
    send(sendGrid, simpleMail("ada@example.com"));
    sim.failNext(3, 500);
    sim.reset();
    assertThat(sim.mails()).isEmpty();
    assertThat(sim.requests()).isZero();
    assertThat(sim.pendingFaults()).isZero();
    assertThat(send(sendGrid, simpleMail("ada@example.com")).getStatusCode()).isEqualTo(202);
  }

  @Test
  void servesConcurrentSenders() throws Exception {
    int senders = 16;
    List<Future<Response>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
      for (int i = 0; i < senders; i++) {
        String to = "user" + i + "@example.com";
        results.add(pool.submit(() -> send(sdk(KEY, sim), simpleMail(to))));
      }
      for (Future<Response> result : results) {
        assertThat(result.get().getStatusCode()).isEqualTo(202);
      }
    }
    assertThat(sim.mails()).hasSize(senders);
    assertThat(new HashSet<>(sim.mails().stream().map(ReceivedMail::messageId).toList()))
        .hasSize(senders);
    assertThat(sim.requests()).isEqualTo(senders);
  }
}
