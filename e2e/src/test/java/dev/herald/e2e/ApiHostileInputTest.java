package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Requests an attacker would send — to every route, with hostile bodies, path segments and query
 * strings, over a raw socket so that nothing is cleaned up on the way — never get a 5xx: each
 * refusal is RFC 9457 problem+json and writes nothing. The generated part runs with a fixed seed.
 */
class ApiHostileInputTest {
  private static final String NS = "shop";
  private static final String APNS = "0123456789abcdef".repeat(4);
  private static final String ORDER =
      """
      {"template":"order-shipped","recipients":[{"email":"a@example.com"}],"channels":["email"],\
      "data":{"orderId":"1","note":"n"}}""";
  private static HeraldEnvironment env;
  private static ApiClient api;
  private static String key;
  private static String notificationId;

  @BeforeContainer
  static void start() {
    env = HeraldEnvironment.start("e2e-api-hostile", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
    key = apiKey(env, api, NS, "admin", "send,contacts,read");
    env.emailSetup(NS);
    assertThat(
            api.send("PUT", "/v1/users/known", key, "{\"email\":\"known@example.com\"}").status())
        .isEqualTo(201);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send(
                            "POST",
                            "/v1/notifications",
                            key,
                            ORDER,
                            Map.of("Idempotency-Key", "first"))
                        .status()
                    == 202);
    notificationId =
        api.send("POST", "/v1/notifications", key, ORDER, Map.of("Idempotency-Key", "first"))
            .json()
            .path("id")
            .asText();
  }

  @AfterContainer
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  // ---------------------------------------------------------------- the defects the corpus found

  @Example
  void nulInAStringIsRefusedNamingTheField() {
    Raw r = refused("PUT", "/v1/users/nul", json("{\"email\":\"a\\u0000@example.com\"}"), 422);
    assertThat(r.problem().path("field").asText()).isEqualTo("email");
    r = refused("PUT", "/v1/users/nul", json("{\"attributes\":{\"plan\":\"pro\\u0000\"}}"), 422);
    assertThat(r.problem().path("field").asText()).isEqualTo("attributes.plan");
    r = refused("POST", "/v1/notifications", json(ORDER.replace("\"n\"", "\"n\\u0000\"")), 422);
    assertThat(r.problem().path("field").asText()).isEqualTo("data.note");
    r =
        refused(
            "POST",
            "/v1/suppressions",
            json("{\"channel\":\"push\",\"address\":\"x\\u0000\"}"),
            422);
    assertThat(r.problem().path("field").asText()).isEqualTo("address");
  }

  @Example
  void deeplyNestedJsonIsA400() {
    String deep = "{\"attributes\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    Raw r = refused("PUT", "/v1/users/deep", json(deep), 400);
    assertThat(r.problem().path("field").asText()).isEqualTo("body");
  }

  @Example
  void malformedPercentEscapesInThePathAreA400() {
    for (String path :
        List.of(
            "/v1/users/%zz",
            "/v1/users/%",
            "/v1/users/%C0%80",
            "/v1/suppressions/email/%E0%A4",
            "/v1/notifications/%ff%fe")) {
      Raw r = refused("GET", path, null, 400);
      assertThat(r.problem().path("field").asText()).as(path).isEqualTo("path");
    }
  }

  @Example
  void aNulInThePathOrQueryIsRefused() {
    refused("DELETE", "/v1/suppressions/push/a%00b", null, 400);
    refused("GET", "/v1/suppressions?channel=%00", null, 400);
  }

  @Example
  void aRequestLineTooLongIsA414Problem() {
    Raw r = refused("GET", "/v1/users/" + "a".repeat(5000), null, 414);
    assertThat(r.problem().path("field").asText()).isEqualTo("path");
    r = refused("GET", "/v1/users/" + "a".repeat(20000), null, 414);
    assertThat(r.problem().path("field").asText()).isEqualTo("path");
  }

  @Example
  void anImportRejectsOnlyTheLineWithANul() {
    String body =
        "{\"id\":\"imp-1\",\"email\":\"one@example.com\"}\n"
            + "{\"id\":\"imp-2\",\"email\":\"two\\u0000@example.com\"}\n"
            + "{\"id\":\"imp-3\",\"attributes\":{\"a\\u0000\":\"x\"}}\n"
            + "{\"id\":\"imp-4\",\"email\":\"four@example.com\"}\n";
    Raw r =
        raw(
            "POST",
            "/v1/imports/users",
            Map.of("Content-Type", "application/x-ndjson"),
            body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode report = r.json();
    assertThat(report.path("imported").asLong()).isEqualTo(2);
    assertThat(report.path("rejected").asLong()).isEqualTo(2);
    assertThat(report.path("errors").findValuesAsText("field"))
        .containsExactly("email", "attributes");
    assertThat(
            ApiFixtures.count(
                env, "select count(*) from users where tenant = ? and user_id like 'imp-%'", NS))
        .isEqualTo(2);
  }

  // ---------------------------------------------------------------- content that cannot break
  // headers

  @Example
  void aLineBreakThatWouldReachAHeaderIsRefusedAtAcceptance() {
    env.startDispatcher("hostile-d1");
    String injected =
        ORDER
            .replace("\"orderId\":\"1\"", "\"orderId\":\"9\\r\\nBcc: victim@example.com\"")
            .replace("a@example.com", "crlf@example.com");
    Map<String, Long> before = ApiFixtures.rows(env, NS);
    ApiClient.Answer refused = api.send("POST", "/v1/notifications", key, injected);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.json().path("field").asText()).isEqualTo("template.email.subject");
    assertThat(refused.json().path("detail").asText())
        .contains("CR")
        .doesNotContainPattern("\\p{Cc}");
    assertThat(ApiFixtures.rows(env, NS)).isEqualTo(before);

    // A line break in the body (not a header) is content: it is sent, and the subject is intact.
    String inBody =
        ORDER
            .replace("\"orderId\":\"1\"", "\"orderId\":\"9\"")
            .replace("\"n\"", "\"two\\r\\nlines\"")
            .replace("a@example.com", "crlf@example.com");
    assertThat(api.send("POST", "/v1/notifications", key, inBody).status()).isEqualTo(202);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !env.sendgrid.mailsTo("crlf@example.com").isEmpty());
    assertThat(env.sendgrid.mailsTo("crlf@example.com"))
        .singleElement()
        .satisfies(m -> assertThat(m.subject()).isEqualTo("Order 9 has shipped"));
    assertThat(env.sendgrid.mailsTo("victim@example.com")).isEmpty();
  }

  // ---------------------------------------------------------------- what the mock API lets through

  @Example
  void aTemplateErrorCarriesNoControlCharacterAndNamesItsLine() {
    ApiFixtures.template(
        env, NS, "nul-template", false, "Subject", "one\ntwo\n{{ broken \u0000\u001b[2J }}");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var template =
                  env.client()
                      .resources(dev.herald.api.template.NotificationTemplate.class)
                      .inNamespace(NS)
                      .withName("nul-template")
                      .get();
              var valid = HeraldEnvironment.condition(template, "Valid");
              assertThat(valid.getStatus()).isEqualTo("False");
              assertThat(valid.getMessage()).contains("line 3").doesNotContainPattern("\\p{Cc}");
            });
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        env.client().v1().events().inNamespace(NS).list().getItems().stream()
                            .filter(e -> "nul-template".equals(e.getInvolvedObject().getName()))
                            .toList())
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getMessage()).doesNotContainPattern("\\p{Cc}")));
  }

  @Example
  void anImportRejectsOnlyTheLineThatIsNotUtf8() {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(
        "{\"id\":\"utf-1\",\"attributes\":{\"city\":\"Zürich\"}}\r\n"
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(
        "{\"id\":\"utf-2\",\"attributes\":{\"city\":\"Zürich\"}}\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(
        "{\"id\":\"utf-3\",\"email\":\"three@example.com\"}\n".getBytes(StandardCharsets.UTF_8));
    Raw r =
        raw(
            "POST",
            "/v1/imports/users",
            Map.of("Content-Type", "application/x-ndjson"),
            body.toByteArray());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("imported").asLong()).isEqualTo(2);
    assertThat(r.json().path("rejected").asLong()).isEqualTo(1);
    assertThat(r.json().path("errors").get(0).path("line").asLong()).isEqualTo(2);
    assertThat(
            ApiFixtures.string(
                env,
                "select attributes->>'city' from users where tenant = ? and user_id = 'utf-1'",
                NS))
        .isEqualTo("Zürich");
    assertThat(
            ApiFixtures.count(
                env, "select count(*) from users where tenant = ? and user_id = 'utf-2'", NS))
        .isZero();
  }

  // ---------------------------------------------------------------- strict JSON

  @Example
  void duplicateKeysTrailingDataAndBadUtf8AreRefused() {
    assertThat(
            refused(
                    "PUT",
                    "/v1/users/strict",
                    json("{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}"),
                    400)
                .problem()
                .path("detail")
                .asText())
        .contains("email");
    refused("PUT", "/v1/users/strict", json("{\"email\":\"a@example.com\"} {}"), 400);
    refused("PUT", "/v1/users/strict", json("{\"email\":\"a@example.com\"}]"), 400);
    byte[] latin1 = "{\"attributes\":{\"city\":\"Zürich\"}}".getBytes(StandardCharsets.ISO_8859_1);
    refused("PUT", "/v1/users/strict", latin1, 400);
    byte[] overlong = {
      '{',
      '"',
      'a',
      't',
      't',
      'r',
      'i',
      'b',
      'u',
      't',
      'e',
      's',
      '"',
      ':',
      '{',
      '"',
      'x',
      '"',
      ':',
      '"',
      (byte) 0xC0,
      (byte) 0xAF,
      '"',
      '}',
      '}'
    };
    refused("PUT", "/v1/users/strict", overlong, 400);
  }

  @Example
  void onlyJsonMediaTypesAreRead() {
    byte[] body = "{\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8);
    for (String type :
        List.of(
            "text/plain",
            "application/jsonp",
            "application/json-seq",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
            "json")) {
      assertThat(raw("PUT", "/v1/users/media", Map.of("Content-Type", type), body).status())
          .as(type)
          .isEqualTo(415);
    }
    assertThat(
            raw(
                    "PUT",
                    "/v1/users/media",
                    Map.of("Content-Type", "application/json; charset=UTF-8"),
                    body)
                .status())
        .isEqualTo(201);
    assertThat(
            raw("PUT", "/v1/users/media", Map.of("Content-Type", "application/vnd.shop+json"), body)
                .status())
        .isEqualTo(200);
  }

  @Example
  void theSameBodyWithKeysInAnotherOrderIsTheSameRequest() {
    String reordered =
        """
        {"data":{"note":"n","orderId":"1"},"channels":["email"],"recipients":[{"email":"a@example.com"}],\
        "template":"order-shipped"}""";
    String spaced = ORDER.replace(",", " ,\n ").replace(":", " : ");
    for (String body : List.of(reordered, spaced)) {
      ApiClient.Answer again =
          api.send("POST", "/v1/notifications", key, body, Map.of("Idempotency-Key", "first"));
      assertThat(again.status()).as(again.toString()).isEqualTo(202);
      assertThat(again.json().path("id").asText()).isEqualTo(notificationId);
    }
    ApiClient.Answer other =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            reordered.replace("\"1\"", "\"2\""),
            Map.of("Idempotency-Key", "first"));
    assertThat(other.status()).isEqualTo(422);
  }

  // ---------------------------------------------------------------- generated

  /** One route, filled in: method, path with its segments, a body and its media type. */
  record Shape(String method, String path, String contentType, byte[] body) {
    @Override
    public String toString() {
      return method
          + " "
          + path
          + " ["
          + contentType
          + "] "
          + (body == null
              ? "-"
              : new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1));
    }
  }

  @Property(tries = 600, seed = "10", shrinking = ShrinkingMode.BOUNDED)
  void noRequestShapeGetsA5xxAndNoRefusalWrites(@ForAll("requests") Shape shape) {
    Map<String, Long> before = ApiFixtures.rows(env, NS);
    Map<String, String> headers = new LinkedHashMap<>();
    if (shape.contentType() != null) {
      headers.put("Content-Type", shape.contentType());
    }
    Raw r = raw(shape.method(), shape.path(), headers, shape.body());
    assertThat(r.status()).as(shape + " → " + r).isBetween(200, 499);
    if (r.status() >= 400) {
      assertThat(r.header("content-type"))
          .as(shape + " → " + r)
          .isEqualTo("application/problem+json");
      assertThat(r.problem().path("status").asInt()).as(shape + " → " + r).isEqualTo(r.status());
      assertThat(r.problem().path("detail").asText())
          .as("no control characters")
          .doesNotContainPattern("\\p{Cc}");
      assertThat(ApiFixtures.rows(env, NS))
          .as(shape + " → " + r + ": nothing written")
          .isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<Shape> requests() {
    Arbitrary<String> seg = segment();
    Arbitrary<String> q = query();
    Arbitrary<byte[]> userBody =
        body(
            "{\"email\":\"g@example.com\",\"phone\":\"+14155552671\",\"locale\":\"en-US\","
                + "\"timeZone\":\"Europe/Berlin\",\"attributes\":{\"plan\":\"pro\",\"n\":1}}");
    Arbitrary<byte[]> deviceBody = body("{\"platform\":\"ios\",\"token\":\"" + APNS + "\"}");
    Arbitrary<byte[]> prefBody =
        body(
            "{\"optedOutOfAll\":false,\"preferences\":[{\"channel\":\"email\","
                + "\"category\":\"marketing\",\"optedIn\":false}]}");
    Arbitrary<byte[]> suppressionBody =
        body("{\"channel\":\"email\",\"address\":\"s@example.com\",\"reason\":\"manual\"}");
    Arbitrary<byte[]> notificationBody = body(ORDER);
    Arbitrary<byte[]> eventBody = body("{\"event\":\"opened\"}");
    Arbitrary<byte[]> importBody =
        Combinators.combine(
                body("{\"id\":\"g1\",\"email\":\"g@example.com\"}"),
                body("{\"id\":\"g2\",\"phone\":\"+14155552671\",\"attributes\":{\"a\":\"b\"}}"))
            .as(
                (a, b) -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  out.writeBytes(a);
                  out.write('\n');
                  out.writeBytes(b);
                  return out.toByteArray();
                });
    Arbitrary<String> json =
        Arbitraries.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/problem+json",
            "text/plain",
            "application/jsonx",
            "",
            "application/json; charset=\u0000");
    Arbitrary<byte[]> form =
        Arbitraries.of(
                "MessageSid=SM1&MessageStatus=delivered",
                "From=%2B14155552671&Body=STOP",
                "Body=%00&From=%zz",
                "")
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
    List<Arbitrary<Shape>> routes = new ArrayList<>();
    routes.add(shape("PUT", seg.map(s -> "/v1/users/" + s), q, json, userBody));
    routes.add(shape("GET", seg.map(s -> "/v1/users/" + s), q, json, null));
    routes.add(shape("DELETE", seg.map(s -> "/v1/users/" + s), q, json, null));
    routes.add(shape("POST", seg.map(s -> "/v1/users/" + s + "/devices"), q, json, deviceBody));
    routes.add(shape("DELETE", seg.map(s -> "/v1/users/" + s + "/devices"), q, json, deviceBody));
    routes.add(shape("PUT", seg.map(s -> "/v1/users/" + s + "/preferences"), q, json, prefBody));
    routes.add(shape("GET", seg.map(s -> "/v1/users/" + s + "/preferences"), q, json, null));
    routes.add(
        shape(
            "POST",
            Arbitraries.just("/v1/imports/users"),
            q,
            Arbitraries.of("application/x-ndjson", "text/csv", "application/json"),
            importBody));
    routes.add(shape("GET", Arbitraries.just("/v1/suppressions"), q, json, null));
    routes.add(shape("POST", Arbitraries.just("/v1/suppressions"), q, json, suppressionBody));
    routes.add(
        shape(
            "DELETE",
            Combinators.combine(seg, seg).as((a, b) -> "/v1/suppressions/" + a + "/" + b),
            q,
            json,
            null));
    routes.add(shape("POST", Arbitraries.just("/v1/notifications"), q, json, notificationBody));
    routes.add(shape("GET", seg.map(s -> "/v1/notifications/" + s), q, json, null));
    routes.add(shape("DELETE", seg.map(s -> "/v1/notifications/" + s), q, json, null));
    routes.add(shape("GET", Arbitraries.just("/v1/dead-letters"), q, json, null));
    routes.add(
        shape(
            "POST",
            Arbitraries.just("/v1/dead-letters/requeue"),
            q,
            json,
            body(
                "{\"notification\":\"00000000-0000-0000-0000-000000000000\",\"reason\":\"exhausted\",\"channel\":\"email\","
                    + "\"deliveries\":[\"00000000-0000-0000-0000-000000000000\"],\"all\":true}")));
    routes.add(shape("POST", seg.map(s -> "/v1/deliveries/" + s + "/events"), q, json, eventBody));
    routes.add(shape("POST", seg.map(s -> "/v1/unsubscribe/" + s), q, json, null));
    routes.add(
        shape(
            "POST",
            Combinators.combine(seg, seg).as((a, b) -> "/v1/webhooks/sendgrid/" + a + "/" + b),
            q,
            json,
            body("[{\"event\":\"delivered\",\"sg_message_id\":\"x\"}]")));
    routes.add(
        shape(
            "POST",
            Combinators.combine(seg, seg, Arbitraries.of("status", "inbound"))
                .as((a, b, c) -> "/v1/webhooks/twilio/" + a + "/" + b + "/" + c),
            q,
            Arbitraries.just("application/x-www-form-urlencoded"),
            form));
    routes.add(shape("GET", seg.map(s -> "/" + s), q, json, null));
    return Arbitraries.oneOf(routes);
  }

  private static Arbitrary<Shape> shape(
      String method,
      Arbitrary<String> path,
      Arbitrary<String> query,
      Arbitrary<String> type,
      Arbitrary<byte[]> body) {
    Arbitrary<byte[]> b = body == null ? Arbitraries.just((byte[]) null) : body;
    return Combinators.combine(path, query, type, b)
        .as((p, q, t, bytes) -> new Shape(method, p + q, bytes == null ? null : t, bytes));
  }

  /** A path segment: valid, odd, percent-encoded hostile, or raw bytes a client should not send. */
  private static Arbitrary<String> segment() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(
            3,
            Arbitraries.of(
                "known",
                "u1",
                "email",
                "push",
                "sms",
                "shop",
                "sendgrid",
                "twilio",
                "00000000-0000-0000-0000-000000000000")),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(notificationId == null ? "x" : notificationId)),
        net.jqwik.api.Tuple.of(3, hostileString().map(ApiHostileInputTest::percentEncode)),
        net.jqwik.api.Tuple.of(
            3,
            Arbitraries.of(
                "%",
                "%z",
                "%zz",
                "%00",
                "%C0%80",
                "%ff",
                "%E0%A4",
                "%ED%A0%80",
                "..",
                "%2e%2e",
                "%2F",
                "a%20b",
                "%0d%0aX-Injected:%201",
                "%25",
                ";x=1",
                "%u0041")),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(200, 9000).map("a"::repeat)));
  }

  private static Arbitrary<String> query() {
    Arbitrary<String> name =
        Arbitraries.of("limit", "after", "channel", "notification", "reason", "x", "%zz", "a%00");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "0",
                "1",
                "-1",
                "501",
                "99999999999999999999",
                "email",
                "%00",
                "%zz",
                "%",
                "",
                "00000000-0000-0000-0000-000000000000"),
            hostileString().map(ApiHostileInputTest::percentEncode));
    Arbitrary<String> pair = Combinators.combine(name, value).as((n, v) -> n + "=" + v);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(
            2, pair.list().ofMinSize(1).ofMaxSize(3).map(l -> "?" + String.join("&", l))),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("?", "?&&", "?limit", "?=", "?%")));
  }

  /** Strings of the kind that break stores and parsers. */
  private static Arbitrary<String> hostileString() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings()
            .withChars(
                '\u0000', '\u0001', '\u001f', '\u007f', '\r', '\n', '\t', '\ud800', '\udc00',
                '\ufffe', '\u2028', 'a', '"', '\\', '%', '/', '{')
            .ofMaxLength(12),
        Arbitraries.of(
            "",
            " ",
            "\u0000",
            "a\u0000b",
            "😀",
            "\ud83d",
            "null",
            "true",
            "0",
            "-0",
            "1e999999",
            "' or 1=1 --",
            "<script>",
            "${jndi:ldap://x}",
            "{{ 7 * 7 }}",
            "\r\nBcc: x@example.com"),
        Arbitraries.integers().between(300, 70_000).map("x"::repeat));
  }

  /** A valid body, or one of its values replaced by something hostile, or a hostile document. */
  private static Arbitrary<byte[]> body(String valid) {
    JsonNode tree = parse(valid);
    List<String> pointers = new ArrayList<>();
    collect(tree, "", pointers);
    Arbitrary<byte[]> mutated =
        Combinators.combine(Arbitraries.of(pointers), replacement())
            .as((pointer, value) -> replace(tree, pointer, value).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> documents =
        Arbitraries.oneOf(
            Arbitraries.just(valid.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.integers()
                .between(1, 20_000)
                .map(
                    n ->
                        ("{\"attributes\":" + "[".repeat(n) + "]".repeat(n) + "}")
                            .getBytes(StandardCharsets.UTF_8)),
            Arbitraries.integers()
                .between(1, 20_000)
                .map(
                    n ->
                        ("{\"data\":" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "}")
                            .getBytes(StandardCharsets.UTF_8)),
            Arbitraries.of(
                    "",
                    " ",
                    "null",
                    "[]",
                    "\"x\"",
                    "1",
                    "{",
                    "}",
                    "{\"a\":1,\"a\":2}",
                    valid + " {}",
                    valid + "x",
                    "\ufeff" + valid,
                    "{\"email\":\"\\ud800\"}",
                    "{\"email\":\"\\u0000\"}",
                    "{\"\\u0000\":1}",
                    "{\"a\":1e999999}",
                    "{\"a\":-1e-999999}",
                    "{\"a\":" + "9".repeat(5000) + "}",
                    "{'a':1}",
                    "{a:1}",
                    "{\"a\":NaN}",
                    "/* c */{}",
                    "{\"a\":\"\u0001\"}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
            Arbitraries.of(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'},
                new byte[] {
                  '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
                }));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, mutated), net.jqwik.api.Tuple.of(2, documents));
  }

  private static Arbitrary<JsonNode> replacement() {
    return Arbitraries.oneOf(
        hostileString().map(s -> (JsonNode) Json.MAPPER.getNodeFactory().textNode(s)),
        Arbitraries.of(
                "null",
                "true",
                "1",
                "-1",
                "1.5",
                "1e308",
                "12345678901234567890123",
                "[]",
                "{}",
                "[null]",
                "{\"\":\"\"}",
                "[\"a\",\"a\"]")
            .map(ApiHostileInputTest::parse),
        hostileString().map(s -> (JsonNode) Json.MAPPER.createObjectNode().put(s, s)));
  }

  private static void collect(JsonNode node, String at, List<String> pointers) {
    pointers.add(at);
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(n -> collect(node.get(n), at + "/" + n, pointers));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), at + "/" + i, pointers);
      }
    }
  }

  private static String replace(JsonNode tree, String pointer, JsonNode value) {
    if (pointer.isEmpty()) {
      return value.toString();
    }
    JsonNode copy = tree.deepCopy();
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = copy.at(pointer.substring(0, cut));
    String last = pointer.substring(cut + 1);
    if (parent.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) parent).set(last, value);
    } else {
      ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last), value);
    }
    return copy.toString();
  }

  private static JsonNode parse(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String percentEncode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.') {
        out.append((char) c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- a raw HTTP/1.1 client

  record Raw(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      String v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.split(";")[0].trim();
    }

    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + this, e);
      }
    }

    JsonNode problem() {
      assertThat(header("content-type")).as(toString()).isEqualTo("application/problem+json");
      return json();
    }

    @Override
    public String toString() {
      return status
          + " "
          + headers.get("content-type")
          + " "
          + new String(body, StandardCharsets.UTF_8);
    }
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Raw refused(String method, String path, byte[] body, int status) {
    Raw r =
        raw(
            method,
            path,
            body == null ? Map.of() : Map.of("Content-Type", "application/json"),
            body);
    assertThat(r.status()).as(method + " " + path + " → " + r).isEqualTo(status);
    assertThat(r.problem().path("status").asInt()).isEqualTo(status);
    return r;
  }

  static Raw raw(String method, String target, Map<String, String> headers, byte[] body) {
    return raw(env.operator.apiPort(), key, method, target, headers, body);
  }

  /**
   * Sends exactly these bytes (the target is not checked or encoded) and reads the answer to the
   * end.
   */
  static Raw raw(
      int port,
      String bearer,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      StringBuilder head =
          new StringBuilder(
              method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n");
      if (bearer != null) {
        head.append("Authorization: Bearer ").append(bearer).append("\r\n");
      }
      headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        request.writeBytes(body);
      }
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading everything: read what it said
      }
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + target, e);
    }
  }

  private static Raw read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("an HTTP answer: " + text).isPositive();
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Raw(status, headers, body);
  }

  private static byte[] dechunk(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < raw.length) {
      int eol = i;
      while (eol + 1 < raw.length && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
        eol++;
      }
      int size =
          Integer.parseInt(
              new String(raw, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(raw, eol + 2, size);
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }
}
