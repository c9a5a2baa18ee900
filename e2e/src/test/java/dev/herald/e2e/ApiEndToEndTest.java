package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.testkit.tokens.BackendSigningKey;
import dev.herald.testkit.twilio.TwilioSimulator;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API against the running operator, Postgres, NATS, a dispatcher and the simulators. */
class ApiEndToEndTest {
  private static final String NS = "shop";
  private static final String OTHER = "other";
  private static HeraldEnvironment env;
  private static TwilioSimulator twilio;
  private static ApiClient api;
  private static String admin;
  private static String foreign;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-api", Duration.ofSeconds(3));
    env.startDispatcher("dispatcher-api");
    twilio = TwilioSimulator.start();
    api = new ApiClient(env.operator.apiPort());
    admin = apiKey(env, api, NS, "admin-key", "send,contacts,read");
    foreign = apiKey(env, api, OTHER, "admin-key", "send,contacts,read");

    env.emailSetup(NS);
    ApiFixtures.twilioProvider(env, NS, twilio);
    ApiFixtures.template(env, NS, "promo", false, "News for {{ recipient.id }}", "{{ offer }}");
    ApiFixtures.template(
        env, NS, "security-alert", true, "News for {{ recipient.id }}", "{{ offer }}");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
    if (twilio != null) {
      twilio.close();
    }
  }

  @Test
  void healthReadinessAndOpenApi() {
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/readyz", null).status() == 200);
    JsonNode doc = api.get("/openapi.json", null).json();
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(doc.path("paths").has("/v1/notifications/{id}")).isTrue();
  }

  @Test
  void userLifecycleNormalisesAndErases() {
    var put =
        api.send(
            "PUT",
            "/v1/users/ada",
            admin,
            """
        {"email":"Ada@Example.COM","phone":"+49 170 1234567","locale":"de-at","timeZone":"Europe/Vienna",
         "attributes":{"plan":"pro"}}""");
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    assertThat(put.json().path("email").asText()).isEqualTo("Ada@example.com");
    assertThat(put.json().path("phone").asText()).isEqualTo("+491701234567");
    assertThat(put.json().path("locale").asText()).isEqualTo("de-AT");
    assertThat(api.send("PUT", "/v1/users/ada", admin, "{\"email\":\"ada@example.com\"}").status())
        .isEqualTo(200);

    String apns = "ab".repeat(32);
    var device =
        api.send(
            "POST",
            "/v1/users/ada/devices",
            admin,
            "{\"platform\":\"ios\",\"token\":\"" + apns.toUpperCase() + "\"}");
    assertThat(device.status()).as(device.toString()).isEqualTo(201);
    var got = api.get("/v1/users/ada", admin);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().path("devices").get(0).path("token").asText()).isEqualTo(apns);
    assertThat(got.json().path("phone").isNull()).isTrue();

    assertThat(api.get("/v1/users/ada", foreign).status())
        .as("another tenant's user")
        .isEqualTo(404);
    assertThat(
            api.send(
                    "DELETE",
                    "/v1/users/ada/devices",
                    admin,
                    "{\"platform\":\"ios\",\"token\":\"" + apns + "\"}")
                .status())
        .isEqualTo(204);
    send(
        """
        {"template":"order-shipped","recipients":[{"user":"ada"}],"channels":["email"],"data":{"orderId":"A","note":"n"}}""",
        null);
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from deliveries where user_id = 'ada' and address = 'ada@example.com'"))
        .isEqualTo(1);
    assertThat(api.send("DELETE", "/v1/users/ada", foreign, null).status()).isEqualTo(404);
    assertThat(api.send("DELETE", "/v1/users/ada", admin, null).status()).isEqualTo(204);
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from deliveries where user_id = 'ada' and address not like 'erased:%'"))
        .as("past deliveries keep no address")
        .isZero();
    assertThat(ApiFixtures.count(env, "select count(*) from devices where user_id = 'ada'"))
        .isZero();
    assertThat(api.get("/v1/users/ada", admin).status()).isEqualTo(404);
    assertThat(api.send("DELETE", "/v1/users/ada", admin, null).status()).isEqualTo(404);
  }

  @Test
  void preferencesAndSuppressions() {
    api.send("PUT", "/v1/users/bob", admin, "{\"email\":\"bob@example.com\"}");
    var prefs =
        api.send(
            "PUT",
            "/v1/users/bob/preferences",
            admin,
            """
        {"optedOutOfAll":false,"preferences":[{"channel":"email","category":"marketing","optedIn":false}]}""");
    assertThat(prefs.status()).as(prefs.toString()).isEqualTo(200);
    JsonNode read = api.get("/v1/users/bob/preferences", admin).json();
    assertThat(read.path("preferences").get(0).path("category").asText()).isEqualTo("marketing");
    assertThat(read.path("optedOutOfAll").asBoolean()).isFalse();

    var added =
        api.send(
            "POST",
            "/v1/suppressions",
            admin,
            "{\"channel\":\"sms\",\"address\":\"+1 415 555 2671\"}");
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    assertThat(added.json().path("address").asText()).isEqualTo("+14155552671");
    assertThat(
            api.get("/v1/suppressions?channel=sms", admin).json().path("suppressions").toString())
        .contains("+14155552671");
    assertThat(api.get("/v1/suppressions", foreign).json().path("suppressions")).isEmpty();
    assertThat(api.send("DELETE", "/v1/suppressions/sms/+14155552671", foreign, null).status())
        .isEqualTo(404);
    assertThat(api.send("DELETE", "/v1/suppressions/sms/+14155552671", admin, null).status())
        .isEqualTo(204);
  }

  @Test
  void scopesClientKeysAndRotation() {
    String reader = apiKey(env, api, NS, "reader-key", "read");
    String client = apiKey(env, api, NS, "client-key", "client");
    BackendSigningKey backend = BackendSigningKey.es256("app-tokens");
    ApiFixtures.userTokenKey(env, api, NS, backend, client);
    Map<String, String> asCy = ApiFixtures.asUser(backend.mint("cy", NS, Duration.ofMinutes(10)));
    api.send("PUT", "/v1/users/cy", admin, "{\"email\":\"cy@example.com\"}");
    assertThat(api.get("/v1/users/cy", reader).status()).isEqualTo(200);
    assertThat(api.send("PUT", "/v1/users/cy", reader, "{}").status()).isEqualTo(403);
    assertThat(api.send("PUT", "/v1/users/cy", client, "{}", asCy).status()).isEqualTo(403);
    assertThat(api.send("GET", "/v1/users/cy", client, null, asCy).status()).isEqualTo(403);
    String device = "{\"platform\":\"web\",\"token\":\"fcm-web-cy:APA91b" + "k".repeat(120) + "\"}";
    assertThat(api.send("POST", "/v1/users/cy/devices", client, device).status())
        .as("no user token")
        .isEqualTo(401);
    assertThat(api.send("POST", "/v1/users/cy/devices", client, device, asCy).status())
        .isEqualTo(201);
    assertThat(
            api.send("PUT", "/v1/users/cy/preferences", client, "{\"optedOutOfAll\":true}", asCy)
                .status())
        .isEqualTo(200);

    // Rotation: the Secret gets a new key; the old one stops working, the new one works.
    String rotated = ApiFixtures.newKey();
    ApiFixtures.putKeySecret(env, NS, "reader-key", rotated, "read");
    ApiFixtures.awaitAccepted(api, rotated);
    ApiFixtures.awaitRejected(api, reader);
    // Revocation: the Secret is deleted.
    env.client().secrets().inNamespace(NS).withName("reader-key").delete();
    ApiFixtures.awaitRejected(api, rotated);
    var revoked = api.get("/v1/users/cy", rotated);
    assertThat(revoked.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(
            ApiFixtures.string(
                env, "select revoked_at::text from api_keys where key_id = ?", NS + "/reader-key"))
        .isNotNull();
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from api_keys where key_hash = sha256(convert_to(?, 'UTF8'))",
                client))
        .as("only the hash is stored")
        .isEqualTo(1);
  }

  @Test
  void rateLimitAnswers429WithRetryAfter() {
    String key = apiKey(env, api, NS, "busy-key", "read");
    List<CompletableFuture<HttpResponse<String>>> calls =
        IntStream.range(0, 400)
            .mapToObj(
                i ->
                    api.http()
                        .sendAsync(
                            api.request("GET", "/v1/suppressions", key, null, Map.of()).build(),
                            HttpResponse.BodyHandlers.ofString()))
            .toList();
    List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
    List<HttpResponse<String>> limited =
        answers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(limited).isNotEmpty();
    assertThat(limited.get(0).headers().firstValue("Retry-After")).hasValue("1");
    assertThat(answers).allMatch(r -> r.statusCode() == 200 || r.statusCode() == 429);
  }

  private static String send(String body, String idempotencyKey) {
    var answer =
        api.send(
            "POST",
            "/v1/notifications",
            admin,
            body,
            idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    return answer.json().path("id").asText();
  }

  @Test
  void transactionalSendIsIdempotentAndReportsStatus() {
    String body =
        """
        {"template":"order-shipped","recipients":[{"email":"eve@example.com"}],"channels":["email"],
         "data":{"orderId":"A-1","note":"n"}}""";
    String id = send(body, "order-A-1");
    assertThat(send(body, "order-A-1")).as("same key, same body").isEqualTo(id);
    var conflict =
        api.send(
            "POST",
            "/v1/notifications",
            admin,
            body.replace("A-1", "A-2"),
            Map.of("Idempotency-Key", "order-A-1"));
    assertThat(conflict.status()).isEqualTo(422);
    assertThat(conflict.json().path("field").asText()).isEqualTo("Idempotency-Key");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.get("/v1/notifications/" + id, admin)
                        .json()
                        .path("counts")
                        .path("byState")
                        .path("sent")
                        .asLong()
                    == 1);
    JsonNode status = api.get("/v1/notifications/" + id, admin).json();
    assertThat(status.path("source").asText()).isEqualTo("api");
    assertThat(status.path("counts").path("byChannel").path("email").path("sent").asLong())
        .isEqualTo(1);
    assertThat(status.path("deliveries").get(0).path("address").asText())
        .isEqualTo("e***@example.com");
    assertThat(env.sendgrid.mails()).anyMatch(m -> m.toEmails().contains("eve@example.com"));
    assertThat(api.get("/v1/notifications/" + id, foreign).status()).isEqualTo(404);
    assertThat(api.get("/v1/notifications/" + java.util.UUID.randomUUID(), admin).status())
        .isEqualTo(404);
  }

  @Test
  void deleteCancelsWhatIsNotSentAndPagesDeliveries() {
    String id =
        send(
            """
        {"template":"order-shipped","recipients":[{"email":"f1@example.com"},{"email":"f2@example.com"},
         {"email":"f3@example.com"}],"channels":["email"],"sendAt":"%s",
         "data":{"orderId":"B","note":"n"}}"""
                .formatted(java.time.Instant.now().plus(java.time.Duration.ofDays(1))),
            null);
    var page = api.get("/v1/notifications/" + id + "?limit=2", admin).json();
    assertThat(page.path("deliveries")).hasSize(2);
    var rest = api.get(page.path("next").asText(), admin).json();
    assertThat(rest.path("deliveries")).hasSize(1);
    var cancelled = api.send("DELETE", "/v1/notifications/" + id, admin, null);
    assertThat(cancelled.json().path("cancelled").asInt()).isEqualTo(3);
    assertThat(
            api.get("/v1/notifications/" + id, admin)
                .json()
                .path("counts")
                .path("byState")
                .path("cancelled")
                .asLong())
        .isEqualTo(3);
  }

  @Test
  void optedOutOfMarketingEmailGetsTheSmsOnlyUnlessTheTemplateIsCritical() {
    api.send(
        "PUT",
        "/v1/users/dana",
        admin,
        "{\"email\":\"dana@example.com\",\"phone\":\"+14155552699\"}");
    api.send(
        "PUT",
        "/v1/users/dana/preferences",
        admin,
        "{\"preferences\":[{\"channel\":\"email\",\"category\":\"marketing\",\"optedIn\":false}]}");
    String promo =
        send(
            """
        {"template":"promo","recipients":[{"user":"dana"}],"channels":["email","sms"],"category":"marketing",
         "data":{"offer":"20% off"}}""",
            null);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> twilio.messagesTo("+14155552699").size() == 1);
    JsonNode status = api.get("/v1/notifications/" + promo, admin).json();
    assertThat(status.path("counts").path("byChannel").path("email").path("suppressed").asLong())
        .isEqualTo(1);
    assertThat(status.path("deliveries").toString()).contains("opted_out");
    assertThat(env.sendgrid.mails()).noneMatch(m -> m.toEmails().contains("dana@example.com"));

    send(
        """
        {"template":"security-alert","recipients":[{"user":"dana"}],"channels":["email"],"category":"marketing",
         "data":{"offer":"new login"}}""",
        null);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                env.sendgrid.mails().stream()
                    .anyMatch(m -> m.toEmails().contains("dana@example.com")));
  }

  @Test
  void anOptOutOrSuppressionAfterAcceptanceIsHonouredAtSendTime() {
    api.send(
        "PUT",
        "/v1/users/lee",
        admin,
        "{\"email\":\"lee@example.com\",\"phone\":\"+14155552697\"}");
    String later =
        send(
            """
        {"template":"promo","recipients":[{"user":"lee"},{"email":"lee.friend@example.com"}],"channels":["email","sms"],
         "category":"marketing","sendAt":"%s","data":{"offer":"later"}}"""
                .formatted(java.time.Instant.now().plusSeconds(5)),
            null);
    // Accepted while lee was opted in and reachable; then, before sendAt:
    api.send(
        "PUT",
        "/v1/users/lee/preferences",
        admin,
        "{\"preferences\":[{\"channel\":\"email\",\"category\":\"marketing\",\"optedIn\":false}]}");
    assertThat(
            api.send(
                    "POST",
                    "/v1/suppressions",
                    admin,
                    "{\"channel\":\"sms\",\"address\":\"+14155552697\",\"reason\":\"complaint\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            api.get("/v1/notifications/" + later, admin)
                .json()
                .path("counts")
                .path("byState")
                .path("pending")
                .asLong())
        .as("nothing sent yet when consent changed")
        .isEqualTo(3);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.get("/v1/notifications/" + later, admin)
                        .json()
                        .path("counts")
                        .path("byState")
                        .path("suppressed")
                        .asLong()
                    == 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                env.sendgrid.mails().stream()
                    .anyMatch(m -> m.toEmails().contains("lee.friend@example.com")));
    JsonNode status = api.get("/v1/notifications/" + later, admin).json();
    assertThat(status.path("deliveries").toString()).contains("opted_out").contains("complaint");
    assertThat(env.sendgrid.mails()).noneMatch(m -> m.toEmails().contains("lee@example.com"));
    assertThat(twilio.messagesTo("+14155552697")).isEmpty();
  }

  @Test
  void clientAppsReportPushOpensAndClicksOfTheirTenantOnly() {
    String client = apiKey(env, api, NS, "app-key", "client");
    BackendSigningKey backend = BackendSigningKey.hs256("app-events");
    ApiFixtures.userTokenKey(env, api, NS, backend, client);
    Map<String, String> asPia = ApiFixtures.asUser(backend.mint("pia", NS, Duration.ofMinutes(10)));
    Map<String, String> asPeter =
        ApiFixtures.asUser(backend.mint("peter", NS, Duration.ofMinutes(10)));
    env.secret(NS, "apns", Map.of("signingKey", "not-a-key"));
    env.provider(
        NS,
        "apns",
        HeraldEnvironment.providerSpec(dev.herald.api.provider.ProviderType.APNS, "apns", null));
    NotificationTemplate ping = new NotificationTemplate();
    ping.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("ping")
            .withNamespace(NS)
            .build());
    ping.setSpec(new dev.herald.api.template.NotificationTemplateSpec());
    ping.getSpec()
        .setPush(
            new dev.herald.api.template.PushContent("Ping", "ping", null, null, null, null, null));
    env.client().resource(ping).create();
    api.send("PUT", "/v1/users/pia", admin, "{}");
    assertThat(
            api.send(
                    "POST",
                    "/v1/users/pia/devices",
                    client,
                    "{\"platform\":\"ios\",\"token\":\"" + "cd".repeat(32) + "\"}",
                    asPia)
                .status())
        .isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api.send(
                            "POST",
                            "/v1/notifications",
                            admin,
                            "{\"template\":\"ping\",\"recipients\":[{\"user\":\"pia\"}],\"channels\":[\"push\"]}")
                        .status()
                    == 202);
    String delivery =
        ApiFixtures.string(
            env, "select id::text from deliveries where user_id = 'pia' and channel = 'push'");
    String path = "/v1/deliveries/" + delivery + "/events";
    assertThat(api.send("POST", path, client, "{\"event\":\"opened\"}", asPia).status())
        .as("not sent yet")
        .isEqualTo(204);
    assertThat(ApiFixtures.string(env, "select state from deliveries where id = ?::uuid", delivery))
        .isNotEqualTo("opened");
    ApiFixtures.execute(env, "update deliveries set state = 'sent' where id = ?::uuid", delivery);
    assertThat(api.send("POST", path, foreign, "{\"event\":\"opened\"}").status()).isEqualTo(404);
    assertThat(api.send("POST", path, client, "{\"event\":\"opened\"}").status())
        .as("no user token")
        .isEqualTo(401);
    var peters = api.send("POST", path, client, "{\"event\":\"clicked\"}", asPeter);
    assertThat(peters.status()).as("another user's token").isEqualTo(403);
    assertThat(peters.json().path("field").asText()).isEqualTo(ApiFixtures.USER_TOKEN);
    assertThat(ApiFixtures.string(env, "select state from deliveries where id = ?::uuid", delivery))
        .isEqualTo("sent");
    assertThat(api.send("POST", path, client, "{\"event\":\"seen\"}", asPia).status())
        .isEqualTo(422);
    assertThat(api.send("POST", path, client, "{\"event\":\"clicked\"}", asPia).status())
        .isEqualTo(204);
    assertThat(api.send("POST", path, client, "{\"event\":\"opened\"}", asPia).status())
        .isEqualTo(204);
    assertThat(ApiFixtures.string(env, "select state from deliveries where id = ?::uuid", delivery))
        .isEqualTo("clicked");
  }
}
