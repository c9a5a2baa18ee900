package dev.herald.testkit.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import dev.herald.testkit.http.Malformation;
import java.io.ByteArrayInputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FCM simulator through firebase-admin (OAuth included) and on the wire. */
class FcmSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String PROJECT = "herald-sim";
  private static final String ACCESS_TOKEN = "ya29.test-token";
  private static final AtomicInteger APPS = new AtomicInteger();
  private static FcmSimulator sim;
  private static FirebaseApp app;
  private static FirebaseMessaging messaging;

  @BeforeAll
  static void start() throws Exception {
    sim = FcmSimulator.start(PROJECT).acceptAccessToken(ACCESS_TOKEN);
    app = app(sim.serviceAccountJson());
    messaging = FirebaseMessaging.getInstance(app);
  }

  /** firebase-admin with its own NetHttpTransport, whose connections go to the simulator. */
  private static FirebaseApp app(String serviceAccount) throws Exception {
    NetHttpTransport transport =
        new NetHttpTransport.Builder()
            .setConnectionFactory(
                url -> {
                  URI routed =
                      URI.create(
                          sim.baseUrl()
                              + url.getPath()
                              + (url.getQuery() == null ? "" : "?" + url.getQuery()));
                  return (HttpURLConnection) routed.toURL().openConnection();
                })
            .build();
    ServiceAccountCredentials credentials =
        ServiceAccountCredentials.fromStream(
            new ByteArrayInputStream(serviceAccount.getBytes(StandardCharsets.UTF_8)),
            () -> transport);
    return FirebaseApp.initializeApp(
        FirebaseOptions.builder()
            .setCredentials(credentials)
            .setProjectId(PROJECT)
            .setHttpTransport(transport)
            .setReadTimeout(2000)
            .build(),
        "fcm-sim-test-" + APPS.incrementAndGet());
  }

  @AfterAll
  static void stop() {
    app.delete();
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.reset();
  }

  private static Message android(String token) {
    return Message.builder()
        .setToken(token)
        .setNotification(Notification.builder().setTitle("Hi").setBody("there").build())
        .putData("order", "A-17")
        .setAndroidConfig(
            AndroidConfig.builder()
                .setPriority(AndroidConfig.Priority.HIGH)
                .setTtl(60_000)
                .setCollapseKey("orders")
                .build())
        .build();
  }

  private static HttpResponse<String> send(String body, String bearer) throws Exception {
    return send("/v1/projects/" + PROJECT + "/messages:send", body, bearer);
  }

  private static HttpResponse<String> send(String path, String body, String bearer)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error");
  }

  private static String message(String fields) {
    return "{\"message\":{" + fields + "}}";
  }

  @Test
  void theSdkExchangesItsServiceAccountKeyAndSends() throws Exception {
    String token = FcmSimulator.newToken();
    String name = messaging.send(android(token));

    ReceivedFcmMessage received = sim.messagesTo(token).get(0);
    assertThat(name).isEqualTo(received.name()).startsWith("projects/" + PROJECT + "/messages/0:");
    assertThat(received.androidPriority()).isEqualTo("HIGH");
    assertThat(received.androidTtl()).isEqualTo("60s");
    assertThat(received.android().path("collapse_key").asText()).isEqualTo("orders");
    assertThat(received.data()).containsEntry("order", "A-17");
    assertThat(received.notification().path("title").asText()).isEqualTo("Hi");
    assertThat(sim.tokenRequests())
        .isLessThanOrEqualTo(1); // the access token is cached for an hour
  }

  @Test
  void theSdkReadsFcmErrorCodesFromTheAnswers() {
    String gone = FcmSimulator.newToken();
    String foreign = FcmSimulator.newToken();
    sim.unregister(gone).registerToOtherSender(foreign);
    assertThatThrownBy(() -> messaging.send(android(gone)))
        .isInstanceOfSatisfying(
            FirebaseMessagingException.class,
            e -> assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.UNREGISTERED));
    assertThatThrownBy(() -> messaging.send(android(foreign)))
        .isInstanceOfSatisfying(
            FirebaseMessagingException.class,
            e ->
                assertThat(e.getMessagingErrorCode())
                    .isEqualTo(MessagingErrorCode.SENDER_ID_MISMATCH));
    sim.failNext(1, FcmError.QUOTA_EXCEEDED, Duration.ofSeconds(120));
    assertThatThrownBy(() -> messaging.send(android(FcmSimulator.newToken())))
        .isInstanceOfSatisfying(
            FirebaseMessagingException.class,
            e -> {
              assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.QUOTA_EXCEEDED);
              assertThat(e.getHttpResponse().getStatusCode()).isEqualTo(429);
            });
  }

  @Test
  void answersInGooglesErrorFormat() throws Exception {
    String token = FcmSimulator.newToken();
    sim.unregister(token);
    HttpResponse<String> gone = send(message("\"token\":\"" + token + "\""), ACCESS_TOKEN);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(gone.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"error\":{\"code\":404,"
                    + "\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}"));

    sim.failNext(1, FcmError.UNAVAILABLE, Duration.ofSeconds(9));
    HttpResponse<String> unavailable = send(message("\"topic\":\"news\""), ACCESS_TOKEN);
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("9");
    assertThat(error(unavailable).path("details").path(0).path("errorCode").asText())
        .isEqualTo("UNAVAILABLE");
  }

  @Test
  void refusesMissingOrUnknownAccessTokensAndOtherProjects() throws Exception {
    String body = message("\"topic\":\"news\"");
    HttpResponse<String> anonymous = send(body, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(error(anonymous).path("status").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(error(anonymous).has("details")).isFalse();
    assertThat(send(body, "ya29.unknown").statusCode()).isEqualTo(401);
    HttpResponse<String> otherProject =
        send("/v1/projects/someone-else/messages:send", body, ACCESS_TOKEN);
    assertThat(otherProject.statusCode()).isEqualTo(403);
    assertThat(error(otherProject).path("status").asText()).isEqualTo("PERMISSION_DENIED");
  }

  @Test
  void validatesMessagesAndNamesTheField() throws Exception {
    HttpResponse<String> badToken = send(message("\"token\":\"short\""), ACCESS_TOKEN);
    assertThat(badToken.statusCode()).isEqualTo(400);
    assertThat(error(badToken).path("message").asText())
        .isEqualTo(FcmMessageValidator.INVALID_TOKEN);
    assertThat(error(badToken).path("details").findValuesAsText("field"))
        .containsExactly("message.token");
    assertThat(error(badToken).path("details").findValuesAsText("errorCode"))
        .containsExactly("INVALID_ARGUMENT");

    String token = "\"token\":\"" + FcmSimulator.newToken() + "\"";
    assertThat(field(message(token + ",\"topic\":\"news\""))).isEqualTo("message");
    assertThat(field(message(""))).isEqualTo("message");
    assertThat(field(message(token + ",\"android\":{\"ttl\":\"60\"}")))
        .isEqualTo("message.android.ttl");
    assertThat(field(message(token + ",\"android\":{\"priority\":\"urgent\"}")))
        .isEqualTo("message.android.priority");
    assertThat(field(message(token + ",\"data\":{\"n\":1}"))).isEqualTo("message.data.n");
    assertThat(field(message(token + ",\"data\":{\"gcm.x\":\"1\"}"))).isEqualTo("message.data");
    assertThat(
            field(
                message(token + ",\"webpush\":{\"fcm_options\":{\"link\":\"http://x.example\"}}")))
        .isEqualTo("message.webpush.fcm_options.link");
    assertThat(field(message(token + ",\"webpush\":{\"headers\":{\"Urgency\":\"now\"}}")))
        .isEqualTo("message.webpush.headers.Urgency");
    assertThat(field(message(token + ",\"colour\":\"red\""))).isEqualTo("message.colour");
    assertThat(field(message(token + ",\"data\":{\"blob\":\"" + "x".repeat(4100) + "\"}")))
        .isEqualTo("message");
    assertThat(sim.messages()).isEmpty();

    assertThat(
            send("{\"message\":{" + token + "},\"validate_only\":true}", ACCESS_TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(sim.messages().get(0).validateOnly()).isTrue();
  }

  private static String field(String body) throws Exception {
    HttpResponse<String> response = send(body, ACCESS_TOKEN);
    assertThat(response.statusCode()).isEqualTo(400);
    return error(response).path("details").findValuesAsText("field").get(0);
  }

  @Test
  void theTokenEndpointRefusesWhatGoogleWould() throws Exception {
    HttpResponse<String> grant =
        send(FcmSimulator.TOKEN_PATH, "grant_type=password&username=x", null);
    assertThat(grant.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(grant.body()).path("error").asText())
        .isEqualTo("unsupported_grant_type");

    HttpResponse<String> forged =
        send(
            FcmSimulator.TOKEN_PATH,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type"
                + "%3Ajwt-bearer&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln",
            null);
    assertThat(JSON.readTree(forged.body()).path("error").asText()).isEqualTo("invalid_grant");

    try (FcmSimulator other = FcmSimulator.start(PROJECT)) {
      FirebaseApp stranger = app(other.serviceAccountJson());
      try {
        assertThatThrownBy(
                () ->
                    FirebaseMessaging.getInstance(stranger).send(android(FcmSimulator.newToken())))
            .isInstanceOf(FirebaseMessagingException.class);
        assertThat(sim.requests()).isZero();
      } finally {
        stranger.delete();
      }
    }
  }

  @Test
  void delaysAndMalformedAnswersComeInOrder() throws Exception {
    sim.malformedNext(1, Malformation.GARBAGE_BODY).delayNext(1, Duration.ofMillis(700));
    assertThat(send(message("\"topic\":\"news\""), ACCESS_TOKEN).body()).startsWith("<html>");
    HttpRequest slow =
        HttpRequest.newBuilder(
                URI.create(sim.baseUrl() + "/v1/projects/" + PROJECT + "/messages:send"))
            .timeout(Duration.ofMillis(150))
            .header("Authorization", "Bearer " + ACCESS_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(message("\"topic\":\"news\"")))
            .build();
    assertThatThrownBy(() -> HTTP.send(slow, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.http.HttpTimeoutException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(sim.messages()).hasSize(1));
    assertThat(sim.messages().get(0).topic()).isEqualTo("news");
    assertThat(sim.requests()).isEqualTo(2);
  }
}
