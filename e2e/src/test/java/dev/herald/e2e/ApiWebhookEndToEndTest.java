package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.unsubscribe.UnsubscribeTokens;
import dev.herald.testkit.sendgrid.ReceivedMail;
import dev.herald.testkit.twilio.TwilioSimulator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider receipts and unsubscribes end to end: signed SendGrid events and Twilio callbacks move
 * deliveries and suppress addresses; forged, unsigned and replayed ones change nothing; every
 * non-critical e-mail carries a one-click unsubscribe link that the API honours.
 */
class ApiWebhookEndToEndTest {
  private static final String NS = "news";
  private static HeraldEnvironment env;
  private static TwilioSimulator twilio;
  private static ApiClient api;
  private static String key;
  private static KeyPair sendgridKeys;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty(UnsubscribeTokens.ENV_KEY, "unsubscribe-signing-key-for-tests-0123456789");
    System.setProperty(UnsubscribeTokens.ENV_PUBLIC_URL, "https://herald.example");
    env = HeraldEnvironment.start("e2e-webhooks", Duration.ofSeconds(3));
    // Sends held at the simulators (receipts that come before the outcome) must not time out.
    env.startDispatcher(
        "dispatcher-webhooks", env.dispatcherSettings.withSendTimeout(Duration.ofSeconds(30)));
    twilio = TwilioSimulator.start();
    api = new ApiClient(env.operator.apiPort());
    key = apiKey(env, api, NS, "admin", "send,contacts,read");

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    sendgridKeys = generator.generateKeyPair();
    env.secret(
        NS,
        "sendgrid",
        Map.of(
            "apiKey",
            HeraldEnvironment.SENDGRID_KEY,
            "webhookVerificationKey",
            Base64.getEncoder().encodeToString(sendgridKeys.getPublic().getEncoded())));
    env.sendgridProvider(NS, "sendgrid", "sendgrid");
    ApiFixtures.twilioProvider(env, NS, twilio);
    ApiFixtures.template(
        env, NS, "digest", false, "digest for {{ recipient.id }}", "digest for {{ recipient.id }}");
    ApiFixtures.template(
        env,
        NS,
        "password-reset",
        true,
        "password-reset for {{ recipient.id }}",
        "password-reset for {{ recipient.id }}");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
    if (twilio != null) {
      twilio.close();
    }
    System.clearProperty(UnsubscribeTokens.ENV_KEY);
    System.clearProperty(UnsubscribeTokens.ENV_PUBLIC_URL);
  }

  private static void user(String id, String body) {
    assertThat(api.send("PUT", "/v1/users/" + id, key, body).status()).isIn(200, 201);
  }

  /** Sends through the API and waits for the provider to have it; returns the notification id. */
  private static String send(String template, String user, String channel) {
    var answer =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            """
        {"template":"%s","recipients":[{"user":"%s"}],"channels":["%s"],"category":"news"}"""
                .formatted(template, user, channel));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    return answer.json().path("id").asText();
  }

  private static ReceivedMail awaitMail(String address, String subjectPrefix) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                env.sendgrid.mails().stream()
                    .anyMatch(
                        m ->
                            m.toEmails().contains(address)
                                && m.subject().startsWith(subjectPrefix)));
    return env.sendgrid.mails().stream()
        .filter(m -> m.toEmails().contains(address) && m.subject().startsWith(subjectPrefix))
        .findFirst()
        .orElseThrow();
  }

  private static String state(String deliveryId) {
    return ApiFixtures.string(
        env,
        "select state || coalesce('/' || failure_reason, '') from deliveries where id = ?::uuid",
        deliveryId);
  }

  private static long suppressions(String channel, String address) {
    return ApiFixtures.count(
        env,
        "select count(*) from suppressions where tenant = ? and channel = ? and address = ?",
        NS,
        channel,
        address);
  }

  private static ApiClient.Answer sendgridEvent(String body, Instant at, boolean forge)
      throws Exception {
    String timestamp = String.valueOf(at.getEpochSecond());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(sendgridKeys.getPrivate());
    signer.update((timestamp + (forge ? body + " " : body)).getBytes(StandardCharsets.UTF_8));
    String signature = Base64.getEncoder().encodeToString(signer.sign());
    return api.send(
        "POST",
        "/v1/webhooks/sendgrid/" + NS + "/sendgrid",
        null,
        body,
        Map.of(
            "X-Twilio-Email-Event-Webhook-Signature",
            signature,
            "X-Twilio-Email-Event-Webhook-Timestamp",
            timestamp));
  }

  private static String event(String type, String deliveryId, String email) {
    return "[{\"email\":\""
        + email
        + "\",\"event\":\""
        + type
        + "\",\"herald_delivery_id\":\""
        + deliveryId
        + "\",\"sg_event_id\":\""
        + java.util.UUID.randomUUID()
        + "\"}]";
  }

  @Test
  void signedBounceSuppressesAndFailsTheDeliveryWhileForgedOnesChangeNothing() throws Exception {
    user("bo", "{\"email\":\"bo@example.com\"}");
    send("digest", "bo", "email");
    ReceivedMail mail = awaitMail("bo@example.com", "digest");
    String delivery = mail.customArgs().get("herald_delivery_id");
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(state(delivery)));

    String bounce = event("bounce", delivery, "bo@example.com");
    assertThat(api.send("POST", "/v1/webhooks/sendgrid/" + NS + "/sendgrid", null, bounce).status())
        .as("unsigned")
        .isEqualTo(401);
    assertThat(sendgridEvent(bounce, Instant.now(), true).status()).as("forged").isEqualTo(403);
    assertThat(sendgridEvent(bounce, Instant.now().minus(Duration.ofMinutes(30)), false).status())
        .as("stale")
        .isEqualTo(401);
    assertThat(api.send("POST", "/v1/webhooks/sendgrid/" + NS + "/nope", null, bounce).status())
        .as("unknown provider")
        .isEqualTo(404);
    assertThat(state(delivery)).isEqualTo("sent");
    assertThat(suppressions("email", "bo@example.com")).isZero();

    Instant now = Instant.now();
    var ok = sendgridEvent(bounce, now, false);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.json().path("matched").asInt()).isEqualTo(1);
    assertThat(state(delivery)).isEqualTo("failed/bounced");
    assertThat(suppressions("email", "bo@example.com")).isEqualTo(1);

    // The bounced address is suppressed at the next send.
    String next = send("digest", "bo", "email");
    JsonNode status = api.get("/v1/notifications/" + next, key).json();
    assertThat(status.path("deliveries").get(0).path("state").asText()).isEqualTo("suppressed");
    assertThat(status.path("deliveries").get(0).path("reason").asText()).isEqualTo("bounce");
  }

  @Test
  void receiptsOnlyMoveForwardAndReplaysAreRejected() throws Exception {
    user("oz", "{\"email\":\"oz@example.com\"}");
    send("digest", "oz", "email");
    String delivery = awaitMail("oz@example.com", "digest").customArgs().get("herald_delivery_id");
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(state(delivery)));
    String open = event("open", delivery, "oz@example.com");
    Instant now = Instant.now();
    assertThat(sendgridEvent(open, now, false).status()).isEqualTo(200);
    assertThat(state(delivery)).isEqualTo("opened");
    assertThat(sendgridEvent(open, now, false).status()).as("replayed").isEqualTo(401);
    assertThat(
            sendgridEvent(event("delivered", delivery, "oz@example.com"), Instant.now(), false)
                .status())
        .isEqualTo(200);
    assertThat(state(delivery)).as("a late delivered does not move it back").isEqualTo("opened");
    assertThat(
            sendgridEvent(event("click", delivery, "oz@example.com"), Instant.now(), false)
                .status())
        .isEqualTo(200);
    assertThat(state(delivery)).isEqualTo("clicked");
  }

  @Test
  void oneClickUnsubscribeOptsTheUserOutOfTheCategoryAndCriticalMailHasNoLink() {
    user("uma", "{\"email\":\"uma@example.com\"}");
    send("digest", "uma", "email");
    ReceivedMail mail = awaitMail("uma@example.com", "digest");
    String header = mail.headers().get("List-Unsubscribe");
    assertThat(header).startsWith("<https://herald.example/v1/unsubscribe/").endsWith(">");
    assertThat(mail.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    String path = header.substring("<https://herald.example".length(), header.length() - 1);

    String forged = path.substring(0, path.length() - 3) + (path.endsWith("AAA") ? "BBB" : "AAA");
    assertThat(
            api.send(
                    "POST",
                    forged,
                    null,
                    "List-Unsubscribe=One-Click",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"))
                .status())
        .isEqualTo(404);
    assertThat(ApiFixtures.count(env, "select count(*) from preferences where tenant = ?", NS))
        .isZero();

    var answer =
        api.send(
            "POST",
            path,
            null,
            "List-Unsubscribe=One-Click",
            Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    JsonNode prefs = api.get("/v1/users/uma/preferences", key).json();
    assertThat(prefs.path("preferences").toString())
        .contains("\"channel\":\"email\"", "\"category\":\"news\"", "\"optedIn\":false");

    send("password-reset", "uma", "email");
    assertThat(awaitMail("uma@example.com", "password-reset").headers())
        .doesNotContainKey("List-Unsubscribe");
  }

  private static ApiClient.Answer twilio(
      String kind, Map<String, String> form, String signingToken, boolean sign) {
    String path = "/v1/webhooks/twilio/" + NS + "/twilio/" + kind;
    String url = "http://127.0.0.1:" + env.operator.apiPort() + path;
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    Map<String, String> headers =
        new java.util.HashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded"));
    if (sign) {
      StringBuilder data = new StringBuilder(url);
      new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
      try {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(signingToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        headers.put(
            "X-Twilio-Signature",
            Base64.getEncoder()
                .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8))));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return api.send("POST", path, null, body, headers);
  }

  @Test
  void twilioStopSuppressesThePhoneStartLiftsItAndStatusCallbacksMoveDeliveries() {
    String phone = "+14155552688";
    user("sam", "{\"phone\":\"" + phone + "\"}");
    String first = send("digest", "sam", "sms");
    await().atMost(Duration.ofSeconds(20)).until(() -> twilio.messagesTo(phone).size() == 1);
    String sid = twilio.messagesTo(phone).get(0).sid();
    String delivery =
        api.get("/v1/notifications/" + first, key)
            .json()
            .path("deliveries")
            .get(0)
            .path("id")
            .asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(state(delivery)));
    Map<String, String> delivered =
        Map.of("MessageSid", sid, "MessageStatus", "delivered", "To", phone);
    assertThat(twilio("status", delivered, "not-the-token", true).status())
        .as("forged")
        .isEqualTo(403);
    assertThat(state(delivery)).isEqualTo("sent");
    assertThat(twilio("status", delivered, twilio.authToken(), true).status()).isEqualTo(204);
    assertThat(state(delivery)).isEqualTo("delivered");

    Map<String, String> stop =
        Map.of(
            "From",
            phone,
            "To",
            "+14155550100",
            "Body",
            "STOP",
            "MessageSid",
            "SM" + "1".repeat(32));
    assertThat(twilio("inbound", stop, twilio.authToken(), false).status())
        .as("unsigned")
        .isEqualTo(401);
    assertThat(twilio("inbound", stop, "forged-token", true).status()).as("forged").isEqualTo(403);
    assertThat(suppressions("sms", phone)).isZero();
    assertThat(twilio("inbound", stop, twilio.authToken(), true).status()).isEqualTo(200);
    assertThat(suppressions("sms", phone)).isEqualTo(1);
    assertThat(twilio("inbound", stop, twilio.authToken(), true).status())
        .as("replayed")
        .isEqualTo(401);

    String second = send("digest", "sam", "sms");
    JsonNode d = api.get("/v1/notifications/" + second, key).json().path("deliveries").get(0);
    assertThat(d.path("state").asText() + "/" + d.path("reason").asText())
        .isEqualTo("suppressed/stop");

    var help =
        twilio(
            "inbound",
            Map.of("From", phone, "Body", "help", "MessageSid", "SM" + "2".repeat(32)),
            twilio.authToken(),
            true);
    assertThat(help.raw().body()).contains("<Message>");
    assertThat(
            twilio(
                    "inbound",
                    Map.of("From", phone, "Body", "START", "MessageSid", "SM" + "3".repeat(32)),
                    twilio.authToken(),
                    true)
                .status())
        .isEqualTo(200);
    assertThat(suppressions("sms", phone)).isZero();
  }

  @Test
  void optOutKeywordsAreMatchedAsCarriersDo() {
    String phone = "+14155552697";
    int n = 0;
    for (String stop :
        List.of(
            "stop",
            " Stop all ",
            "STOP ALL",
            "opt-out",
            "Opt Out",
            "stop.",
            "Unsubscribe\n",
            "\uff33\uff34\uff2f\uff30",
            "quit!",
            "end",
            "revoke",
            "cancel")) {
      n++;
      assertThat(
              twilio(
                      "inbound",
                      Map.of("From", phone, "Body", stop, "MessageSid", sid(n)),
                      twilio.authToken(),
                      true)
                  .status())
          .isEqualTo(200);
      assertThat(suppressions("sms", phone)).as("'" + stop + "' opts out").isEqualTo(1);
      n++;
      assertThat(
              twilio(
                      "inbound",
                      Map.of("From", phone, "Body", " Start ", "MessageSid", sid(n)),
                      twilio.authToken(),
                      true)
                  .status())
          .isEqualTo(200);
      assertThat(suppressions("sms", phone)).as("START after '" + stop + "'").isZero();
    }
    for (String chat :
        List.of("please stop texting me", "stopwatch", "don't stop", "the end is near")) {
      n++;
      twilio(
          "inbound",
          Map.of("From", phone, "Body", chat, "MessageSid", sid(n)),
          twilio.authToken(),
          true);
      assertThat(suppressions("sms", phone)).as("'" + chat + "' is not a keyword").isZero();
    }
  }

  @Test
  void aCapturedStartHasNoEffectAfterARestart() {
    String phone = "+14155552698";
    Map<String, String> start =
        Map.of("From", phone, "Body", "START", "MessageSid", "SM" + "a".repeat(32));
    Map<String, String> stop =
        Map.of("From", phone, "Body", "STOP", "MessageSid", "SM" + "b".repeat(32));
    assertThat(
            twilio(
                    "inbound",
                    Map.of("From", phone, "Body", "STOP", "MessageSid", "SM" + "c".repeat(32)),
                    twilio.authToken(),
                    true)
                .status())
        .isEqualTo(200);
    assertThat(twilio("inbound", start, twilio.authToken(), true).status()).isEqualTo(200);
    assertThat(suppressions("sms", phone)).isZero();
    assertThat(twilio("inbound", stop, twilio.authToken(), true).status()).isEqualTo(200);
    assertThat(suppressions("sms", phone)).isEqualTo(1);

    // The operator restarts (its in-memory replay window is gone); the captured START is sent
    // again.
    env.stopOperator();
    env.startOperator();
    api = new ApiClient(env.operator.apiPort());
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/readyz", null).status() == 200);
    assertThat(twilio("inbound", start, twilio.authToken(), true).status()).isEqualTo(200);
    assertThat(suppressions("sms", phone)).as("the replayed START changed nothing").isEqualTo(1);
    assertThat(twilio("inbound", stop, twilio.authToken(), true).status()).isEqualTo(200);
    assertThat(suppressions("sms", phone)).isEqualTo(1);
  }

  private static String sid(int n) {
    return "SM" + String.format("%032x", 0xbeef0000L + n);
  }

  private static String deliveryOf(String notification) {
    return api.get("/v1/notifications/" + notification, key)
        .json()
        .path("deliveries")
        .get(0)
        .path("id")
        .asText();
  }

  private static JsonNode countsByState(String notification) {
    return api.get("/v1/notifications/" + notification, key).json().path("counts").path("byState");
  }

  @Test
  void aTwilioFailureReportedBeforeTheSendIsRecordedFailsTheDeliveryWhenItIs() {
    String phone = "+14155552699";
    user("tia", "{\"phone\":\"" + phone + "\"}");
    Runnable release = twilio.holdNextAnswer();
    String notification = send("digest", "tia", "sms");
    // Twilio has the message and its SID; the dispatcher does not know the SID yet.
    await().atMost(Duration.ofSeconds(20)).until(() -> twilio.messagesTo(phone).size() == 1);
    String sid = twilio.messagesTo(phone).get(0).sid();
    String delivery = deliveryOf(notification);
    assertThat(state(delivery)).isEqualTo("sending");

    var answer =
        twilio(
            "status",
            Map.of(
                "MessageSid",
                sid,
                "MessageStatus",
                "undelivered",
                "To",
                phone,
                "ErrorCode",
                "30003"),
            twilio.authToken(),
            true);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
    release.run();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "failed/undelivered".equals(state(delivery)));
    JsonNode counts = countsByState(notification);
    assertThat(counts.path("failed").asLong()).isEqualTo(1);
    assertThat(counts.has("sent")).as(counts.toString()).isFalse();
    assertThat(ApiFixtures.count(env, "select count(*) from early_receipts"))
        .as("applied, not left behind")
        .isZero();
  }

  @Test
  void sendGridEventsForADeliveryStillSendingAreAppliedWhenItIsSent() throws Exception {
    user("sal", "{\"email\":\"sal@example.com\"}");
    Runnable release = env.sendgrid.holdNextAnswer();
    String notification = send("digest", "sal", "email");
    String delivery = awaitMail("sal@example.com", "digest").customArgs().get("herald_delivery_id");
    assertThat(state(delivery)).isEqualTo("sending");

    String events =
        "["
            + event("delivered", delivery, "sal@example.com").replaceAll("^\\[|\\]$", "")
            + ","
            + event("open", delivery, "sal@example.com").replaceAll("^\\[|\\]$", "")
            + "]";
    var answer = sendgridEvent(events, Instant.now(), false);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.json().path("kept").asInt()).isEqualTo(2);
    assertThat(state(delivery)).isEqualTo("sending");
    release.run();

    await().atMost(Duration.ofSeconds(20)).until(() -> "opened".equals(state(delivery)));
    assertThat(countsByState(notification).path("opened").asLong()).isEqualTo(1);
  }

  @Test
  void aBounceBeforeTheSendIsRecordedFailsTheDeliveryAndSuppressesTheAddress() throws Exception {
    user("bea", "{\"email\":\"bea@example.com\"}");
    Runnable release = env.sendgrid.holdNextAnswer();
    String notification = send("digest", "bea", "email");
    String delivery = awaitMail("bea@example.com", "digest").customArgs().get("herald_delivery_id");
    assertThat(
            sendgridEvent(event("bounce", delivery, "bea@example.com"), Instant.now(), false)
                .status())
        .isEqualTo(200);
    assertThat(suppressions("email", "bea@example.com")).isEqualTo(1);
    release.run();

    await().atMost(Duration.ofSeconds(20)).until(() -> "failed/bounced".equals(state(delivery)));
    assertThat(countsByState(notification).path("failed").asLong()).isEqualTo(1);
  }
}
