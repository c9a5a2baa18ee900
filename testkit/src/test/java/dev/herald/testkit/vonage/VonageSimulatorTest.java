package dev.herald.testkit.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator speaks the SMS API's wire format: form in, per-part JSON statuses out. */
class VonageSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static VonageSimulator sim;

  @BeforeAll
  static void start() {
    sim = VonageSimulator.start("md5hash");
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.reset();
  }

  private static HttpResponse<String> post(Map<String, String> form, String key, String secret)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/sms/json"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes()));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> sms(String to, String text) {
    Map<String, String> form =
        new LinkedHashMap<>(Map.of("from", "Herald", "to", to, "text", text));
    return form;
  }

  private static JsonNode firstMessage(HttpResponse<String> answer) throws Exception {
    assertThat(answer.statusCode()).isEqualTo(200);
    return JSON.readTree(answer.body()).path("messages").get(0);
  }

  @Test
  void aValidMessageIsAcceptedInPartsWithStringStatusesAsVonageWritesThem() throws Exception {
    HttpResponse<String> answer =
        post(sms("4915112345678", "x".repeat(200)), sim.apiKey(), sim.apiSecret());
    JsonNode root = JSON.readTree(answer.body());
    assertThat(root.path("message-count").asText()).isEqualTo("2");
    assertThat(root.path("messages"))
        .hasSize(2)
        .allSatisfy(
            m -> {
              assertThat(m.path("status").isTextual()).isTrue();
              assertThat(m.path("status").asText()).isEqualTo("0");
              assertThat(m.path("message-id").asText()).matches("^[0-9A-F]{16}$");
            });
    assertThat(sim.messagesTo("+4915112345678"))
        .singleElement()
        .satisfies(m -> assertThat(m.parts()).isEqualTo(2));
  }

  @Test
  void credentialsAreCheckedInTheHeaderOrTheFormAndAnswered200WithStatus4() throws Exception {
    assertThat(
            firstMessage(post(sms("4915112345678", "hi"), sim.apiKey(), "wrong"))
                .path("status")
                .asText())
        .isEqualTo("4");
    Map<String, String> inForm = sms("4915112345678", "hi");
    inForm.put("api_key", sim.apiKey());
    inForm.put("api_secret", sim.apiSecret());
    assertThat(firstMessage(post(inForm, null, null)).path("status").asText()).isEqualTo("0");
    assertThat(sim.messages().get(0).params()).doesNotContainKeys("api_key", "api_secret");
  }

  @Test
  void badParametersAndScriptedNumbersAnswerVonagesStatuses() throws Exception {
    assertThat(
            firstMessage(post(sms("not-a-number", "hi"), sim.apiKey(), sim.apiSecret()))
                .path("status")
                .asText())
        .isEqualTo("3");
    Map<String, String> noText = sms("4915112345678", "");
    assertThat(firstMessage(post(noText, sim.apiKey(), sim.apiSecret())).path("status").asText())
        .isEqualTo("2");
    sim.rejectNumber("+4915112345678", VonageStatus.NUMBER_BARRED);
    JsonNode barred = firstMessage(post(sms("4915112345678", "hi"), sim.apiKey(), sim.apiSecret()));
    assertThat(barred.path("status").asText()).isEqualTo("7");
    assertThat(barred.path("error-text").asText()).contains("4915112345678");
    assertThat(sim.messages()).isEmpty();
    assertThat(sim.requests()).isEqualTo(3);
  }

  @Test
  void webhooksAreSignedSoThatTheSignatureCoversEveryParameter() {
    Map<String, String> stop = sim.inboundMessage("+4915112345678", "Herald", "STOP");
    assertThat(stop)
        .containsKeys("sig", "timestamp", "nonce")
        .containsEntry("msisdn", "4915112345678");
    assertThat(VonageSimulator.signature(stop, sim.signatureSecret(), "md5hash"))
        .isEqualTo(stop.get("sig"));
    Map<String, String> changed = new LinkedHashMap<>(stop);
    changed.put("text", "START");
    assertThat(VonageSimulator.signature(changed, sim.signatureSecret(), "md5hash"))
        .isNotEqualTo(stop.get("sig"));
  }
}
