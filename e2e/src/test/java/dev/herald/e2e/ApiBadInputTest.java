package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every kind answers with the right status and a problem+json naming the field, never
 * a 5xx, and writes nothing — in the caller's tenant nor in another.
 */
class ApiBadInputTest {
  private static final String NS = "shop";
  private static final String OTHER = "other";
  private static final String APNS = "0123456789abcdef".repeat(4);
  private static final String ORDER =
      """
      {"template":"order-shipped","recipients":[{"email":"a@example.com"}],"channels":["email"],
       "data":{"orderId":"1","note":"n"}}""";
  private static HeraldEnvironment env;
  private static ApiClient api;
  private static final Map<String, String> KEYS = new HashMap<>();
  private static String notificationId;
  private static String foreignNotificationId;

  /** One bad request: who sends it, what, and the answer expected. */
  record Case(
      String name,
      String key,
      String method,
      String path,
      String body,
      Map<String, String> headers,
      int status,
      String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case c(
      String name, String method, String path, String body, int status, String field) {
    return new Case(name, "admin", method, path, body, Map.of(), status, field);
  }

  private static Case as(
      String key, String name, String method, String path, String body, int status) {
    return new Case(name, key, method, path, body, Map.of(), status, null);
  }

  private static Case h(
      String name,
      String method,
      String path,
      String body,
      Map<String, String> headers,
      int status,
      String field) {
    return new Case(name, "admin", method, path, body, headers, status, field);
  }

  static Stream<Case> cases() {
    String user = "/v1/users/u1";
    String devices = "/v1/users/known/devices";
    String prefs = "/v1/users/known/preferences";
    return Stream.of(
        c("malformed JSON", "PUT", user, "{\"email\":", 400, "body"),
        c("JSON array instead of object", "PUT", user, "[]", 400, "body"),
        c("empty body", "PUT", user, "", 400, "body"),
        h("text/plain body", "PUT", user, "{}", Map.of("Content-Type", "text/plain"), 415, null),
        c("unknown user field", "PUT", user, "{\"emial\":\"a@example.com\"}", 422, "emial"),
        c("email of wrong type", "PUT", user, "{\"email\":5}", 422, "email"),
        c("invalid email", "PUT", user, "{\"email\":\"not-an-email\"}", 422, "email"),
        c(
            "email too long",
            "PUT",
            user,
            "{\"email\":\"" + "a".repeat(320) + "@example.com\"}",
            422,
            "email"),
        c("phone without +", "PUT", user, "{\"phone\":\"0170 1234567\"}", 422, "phone"),
        c("phone too short", "PUT", user, "{\"phone\":\"+12\"}", 422, "phone"),
        c(
            "phone with unknown country code",
            "PUT",
            user,
            "{\"phone\":\"+999 1234567\"}",
            422,
            "phone"),
        c("ill-formed locale", "PUT", user, "{\"locale\":\"english!\"}", 422, "locale"),
        c("empty locale", "PUT", user, "{\"locale\":\"\"}", 422, "locale"),
        c("unknown time zone", "PUT", user, "{\"timeZone\":\"Mars/Olympus\"}", 422, "timeZone"),
        c("offset instead of time zone", "PUT", user, "{\"timeZone\":\"+02:00\"}", 422, "timeZone"),
        c("attributes not an object", "PUT", user, "{\"attributes\":[1]}", 422, "attributes"),
        c("invalid user id", "PUT", "/v1/users/-bad", "{}", 422, "id"),
        c(
            "body over 1 MiB",
            "PUT",
            user,
            "{\"attributes\":{\"x\":\"" + "y".repeat(1_100_000) + "\"}}",
            413,
            "body"),
        c(
            "unknown platform",
            "POST",
            devices,
            "{\"platform\":\"blackberry\",\"token\":\"x\"}",
            422,
            "platform"),
        c(
            "APNs token not hex",
            "POST",
            devices,
            "{\"platform\":\"ios\",\"token\":\"" + "zz".repeat(32) + "\"}",
            422,
            "token"),
        c(
            "APNs token 63 digits",
            "POST",
            devices,
            "{\"platform\":\"ios\",\"token\":\"" + APNS.substring(1) + "\"}",
            422,
            "token"),
        c(
            "FCM token too short",
            "POST",
            devices,
            "{\"platform\":\"android\",\"token\":\"abc:def\"}",
            422,
            "token"),
        c(
            "web push over http",
            "POST",
            devices,
            "{\"platform\":\"web\",\"token\":\"http://push.example.com/x\"}",
            422,
            "token"),
        c("device without token", "POST", devices, "{\"platform\":\"ios\"}", 422, "token"),
        c(
            "device of unknown user",
            "POST",
            "/v1/users/ghost/devices",
            "{\"platform\":\"ios\",\"token\":\"" + APNS + "\"}",
            404,
            null),
        c("preferences not an array", "PUT", prefs, "{\"preferences\":{}}", 422, "preferences"),
        c(
            "preference channel unknown",
            "PUT",
            prefs,
            "{\"preferences\":[{\"channel\":\"fax\",\"category\":\"x\",\"optedIn\":true}]}",
            422,
            "preferences[0].channel"),
        c(
            "preference optedIn a string",
            "PUT",
            prefs,
            "{\"preferences\":[{\"channel\":\"sms\",\"category\":\"x\",\"optedIn\":\"no\"}]}",
            422,
            "preferences[0].optedIn"),
        c(
            "preference category invalid",
            "PUT",
            prefs,
            "{\"preferences\":[{\"channel\":\"sms\",\"category\":\"Marketing!\",\"optedIn\":true}]}",
            422,
            "preferences[0].category"),
        c(
            "preference unknown field",
            "PUT",
            prefs,
            "{\"preferences\":[{\"channel\":\"sms\",\"category\":\"x\",\"optedIn\":true,\"until\":1}]}",
            422,
            "preferences[0].until"),
        c(
            "preference twice",
            "PUT",
            prefs,
            "{\"preferences\":[{\"channel\":\"sms\",\"category\":\"x\",\"optedIn\":true},"
                + "{\"channel\":\"sms\",\"category\":\"x\",\"optedIn\":false}]}",
            422,
            "preferences"),
        c(
            "suppression channel unknown",
            "POST",
            "/v1/suppressions",
            "{\"channel\":\"fax\",\"address\":\"1\"}",
            422,
            "channel"),
        c(
            "suppression of invalid email",
            "POST",
            "/v1/suppressions",
            "{\"channel\":\"email\",\"address\":\"nope\"}",
            422,
            "address"),
        c(
            "suppression without address",
            "POST",
            "/v1/suppressions",
            "{\"channel\":\"sms\"}",
            422,
            "address"),
        c(
            "unknown template",
            "POST",
            "/v1/notifications",
            ORDER.replace("order-shipped", "no-such-template"),
            422,
            "template"),
        c(
            "no channels",
            "POST",
            "/v1/notifications",
            ORDER.replace("[\"email\"]", "[]"),
            422,
            "channels"),
        c(
            "channel not an enum value",
            "POST",
            "/v1/notifications",
            ORDER.replace("[\"email\"]", "[\"fax\"]"),
            422,
            "channels[0]"),
        c(
            "no recipients",
            "POST",
            "/v1/notifications",
            "{\"template\":\"order-shipped\",\"channels\":[\"email\"]}",
            422,
            "recipients"),
        c(
            "recipient email invalid",
            "POST",
            "/v1/notifications",
            ORDER.replace("a@example.com", "nope"),
            422,
            "recipients[0].email"),
        c(
            "recipient with two addresses",
            "POST",
            "/v1/notifications",
            ORDER.replace(
                "{\"email\":\"a@example.com\"}",
                "{\"email\":\"a@example.com\",\"user\":\"known\"}"),
            422,
            "recipients[0]"),
        c(
            "priority unknown",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"priority\":\"urgent\",\"channels\""),
            422,
            "priority"),
        c(
            "sendAt not a time",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"sendAt\":\"tomorrow\",\"channels\""),
            422,
            "sendAt"),
        c(
            "expiresAfter that overflows",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"expiresAfter\":\"9223372036854775807h\",\"channels\""),
            422,
            "expiresAfter"),
        c(
            "expiresAfter past retention",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"expiresAfter\":\"720h1ms\",\"channels\""),
            422,
            "expiresAfter"),
        c(
            "unknown notification field",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"subject\":\"x\",\"channels\""),
            422,
            "subject"),
        c(
            "data not an object",
            "POST",
            "/v1/notifications",
            ORDER.replace("{\"orderId\":\"1\",\"note\":\"n\"}", "[1]"),
            422,
            "data"),
        c(
            "CR-only field",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"channels\"", "\"ttlSecondsAfterFinished\":5,\"channels\""),
            422,
            "ttlSecondsAfterFinished"),
        c(
            "channel the template lacks",
            "POST",
            "/v1/notifications",
            ORDER
                .replace("[\"email\"]", "[\"sms\"]")
                .replace("{\"email\":\"a@example.com\"}", "{\"phone\":\"+14155552671\"}"),
            422,
            "channels[0]"),
        c(
            "missing template variable",
            "POST",
            "/v1/notifications",
            ORDER.replace(",\"note\":\"n\"", ""),
            422,
            "template.email.html"),
        h(
            "Idempotency-Key too long",
            "POST",
            "/v1/notifications",
            ORDER,
            Map.of("Idempotency-Key", "k".repeat(300)),
            422,
            "Idempotency-Key"),
        h(
            "Idempotency-Key reused with another body",
            "POST",
            "/v1/notifications",
            ORDER.replace("\"1\"", "\"2\""),
            Map.of("Idempotency-Key", "fixed"),
            422,
            "Idempotency-Key"),
        as("none", "missing key", "GET", "/v1/users/known", null, 401),
        as("wrong", "wrong key", "GET", "/v1/users/known", null, 401),
        as("revoked", "revoked key", "PUT", "/v1/users/known", "{}", 401),
        new Case(
            "Basic instead of Bearer",
            "basic",
            "GET",
            "/v1/users/known",
            null,
            Map.of(),
            401,
            null),
        as("foreign", "another tenant's user", "GET", "/v1/users/known", null, 404),
        as("foreign", "another tenant's user deleted", "DELETE", "/v1/users/known", null, 404),
        as(
            "foreign",
            "another tenant's notification cancelled",
            "DELETE",
            "/v1/notifications/{notification}",
            null,
            404),
        as(
            "admin",
            "foreign notification cancelled",
            "DELETE",
            "/v1/notifications/{foreign-notification}",
            null,
            404),
        as("reader", "read key sends", "POST", "/v1/notifications", ORDER, 403),
        as("client", "client key deletes a user", "DELETE", "/v1/users/known", null, 403),
        as("client", "client key sends", "POST", "/v1/notifications", ORDER, 403),
        c("notification id not a UUID", "GET", "/v1/notifications/not-a-uuid", null, 404, null),
        c("page limit 0", "GET", "/v1/notifications/{notification}?limit=0", null, 422, "limit"),
        c(
            "page after not a UUID",
            "GET",
            "/v1/notifications/{notification}?after=x",
            null,
            422,
            "after"),
        c("unknown route", "GET", "/v1/nope", null, 404, null),
        c("method not allowed", "PATCH", "/v1/users/known", "{}", 405, null));
  }

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-api-bad", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
    KEYS.put("admin", apiKey(env, api, NS, "admin", "send,contacts,read"));
    KEYS.put("foreign", apiKey(env, api, OTHER, "admin", "send,contacts,read"));
    KEYS.put("reader", apiKey(env, api, NS, "reader", "read"));
    KEYS.put("client", apiKey(env, api, NS, "client", "client"));
    String revoked = apiKey(env, api, NS, "revoked", "send,contacts,read");
    env.client().secrets().inNamespace(NS).withName("revoked").delete();
    ApiFixtures.awaitRejected(api, revoked);
    KEYS.put("revoked", revoked);
    KEYS.put("wrong", ApiFixtures.newKey());
    env.emailSetup(NS);
    env.emailSetup(OTHER);
    assertThat(
            api.send(
                    "PUT",
                    "/v1/users/known",
                    KEYS.get("admin"),
                    "{\"email\":\"known@example.com\"}")
                .status())
        .isEqualTo(201);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send(
                            "POST",
                            "/v1/notifications",
                            KEYS.get("admin"),
                            ORDER,
                            Map.of("Idempotency-Key", "fixed"))
                        .status()
                    == 202);
    notificationId =
        api.send(
                "POST",
                "/v1/notifications",
                KEYS.get("admin"),
                ORDER,
                Map.of("Idempotency-Key", "fixed"))
            .json()
            .path("id")
            .asText();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send(
                            "POST",
                            "/v1/notifications",
                            KEYS.get("foreign"),
                            ORDER,
                            Map.of("Idempotency-Key", "fixed"))
                        .status()
                    == 202);
    foreignNotificationId =
        api.send(
                "POST",
                "/v1/notifications",
                KEYS.get("foreign"),
                ORDER,
                Map.of("Idempotency-Key", "fixed"))
            .json()
            .path("id")
            .asText();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /**
   * Any duration, however long, is accepted within the limit or refused naming the field: never a
   * 5xx.
   */
  @Test
  void everyExpiresAfterIsAcceptedOrRefusedByName() {
    java.util.Random random = new java.util.Random(12);
    String[] units = {"ms", "s", "m", "h"};
    for (int i = 0; i < 60; i++) {
      StringBuilder duration = new StringBuilder();
      for (int p = 0; p <= random.nextInt(3); p++) {
        String n =
            switch (random.nextInt(4)) {
              case 0 -> Integer.toString(random.nextInt(800));
              case 1 -> Long.toString(Long.MAX_VALUE - random.nextInt(5));
              case 2 -> new java.math.BigInteger(90, random).toString();
              default -> Long.toString(Math.abs(random.nextLong() % 100_000_000_000L));
            };
        duration.append(n).append(units[random.nextInt(units.length)]);
      }
      ApiClient.Answer answer =
          api.send(
              "POST",
              "/v1/notifications",
              KEYS.get("admin"),
              ORDER.replace("\"channels\"", "\"expiresAfter\":\"" + duration + "\",\"channels\""));
      assertThat(answer.status()).as(duration + ": " + answer).isIn(202, 422);
      if (answer.status() == 422) {
        assertThat(answer.json().path("field").asText())
            .as(duration + ": " + answer)
            .isEqualTo("expiresAfter");
        assertThat(answer.json().path("detail").asText()).contains("at most 720h");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectedWithTheFieldNamedAndNothingWritten(Case c) {
    Map<String, Long> before = ApiFixtures.rows(env, NS);
    Map<String, Long> beforeOther = ApiFixtures.rows(env, OTHER);
    Map<String, String> headers = new HashMap<>(c.headers());
    String key = KEYS.get(c.key());
    if ("basic".equals(c.key())) {
      headers.put(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(("x:" + KEYS.get("admin")).getBytes()));
    }
    String path =
        c.path()
            .replace("{notification}", notificationId)
            .replace("{foreign-notification}", foreignNotificationId);
    ApiClient.Answer answer = api.send(c.method(), path, key, c.body(), headers);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(c.status());
    assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.path("status").asInt()).isEqualTo(c.status());
    assertThat(problem.path("type").asText()).startsWith("https://herald.dev/problems/");
    assertThat(problem.path("title").asText()).isNotBlank();
    if (c.field() != null) {
      assertThat(problem.path("field").asText()).as(answer.toString()).isEqualTo(c.field());
      List<String> fields = problem.path("errors").findValuesAsText("field");
      assertThat(fields).contains(c.field());
    }
    assertThat(ApiFixtures.rows(env, NS)).as("nothing written in " + NS).isEqualTo(before);
    assertThat(ApiFixtures.rows(env, OTHER))
        .as("nothing written in " + OTHER)
        .isEqualTo(beforeOther);
    assertThat(ApiFixtures.count(env, "select count(*) from deliveries where state = 'cancelled'"))
        .isZero();
  }
}
