package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static dev.herald.e2e.ApiFixtures.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testkit.tokens.BackendSigningKey;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apps in users' hands prove which user they speak for: a client key alone touches no user on any
 * route; with a user token its request acts for that token's user only, in the key's tenant only;
 * the tenant's key Secrets rotate and revoke at once; and a Secret that cannot be a safe key is
 * refused, saying why, without quoting it. Through the HTTP API, against the mock Kubernetes API,
 * the machine's Postgres and NATS.
 */
class UserTokenApiTest {
  private static final String SHOP = "shop";
  private static final String RIVAL = "rival";

  /** A web device by its FCM registration token. */
  private static final String DEVICE =
      "{\"platform\":\"web\",\"token\":\"fcm-web:APA91b" + "k".repeat(120);

  private static HeraldEnvironment env;
  private static ApiClient api;
  private static String admin;
  private static String client;
  private static String rivalAdmin;
  private static String rivalClient;
  private static BackendSigningKey shopBackend;
  private static BackendSigningKey rivalBackend;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-user-tokens", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
    admin = apiKey(env, api, SHOP, "backend", "send,contacts,read");
    client = apiKey(env, api, SHOP, "app", "client");
    rivalAdmin = apiKey(env, api, RIVAL, "backend", "send,contacts,read");
    rivalClient = apiKey(env, api, RIVAL, "app", "client");
    // both tenants name their key "app-tokens"
    shopBackend = BackendSigningKey.es256("app-tokens");
    rivalBackend = BackendSigningKey.es256("app-tokens");
    ApiFixtures.userTokenKey(env, api, SHOP, shopBackend, client);
    ApiFixtures.userTokenKey(env, api, RIVAL, rivalBackend, rivalClient);
    for (String user : List.of("ada", "bob")) {
      assertThat(api.send("PUT", "/v1/users/" + user, admin, "{}").status()).isEqualTo(201);
      assertThat(api.send("PUT", "/v1/users/" + user, rivalAdmin, "{}").status()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static String device(String id) {
    return DEVICE + id + "\"}";
  }

  private static long devices(String tenant, String user) {
    return ApiFixtures.count(
        env, "select count(*) from devices where tenant = ? and user_id = ?", tenant, user);
  }

  private static void assertRefused(
      ApiClient.Answer answer, int status, String detail, String token) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.path("field").asText()).isEqualTo(ApiFixtures.USER_TOKEN);
    assertThat(problem.path("detail").asText()).contains(detail);
    if (token != null) {
      assertThat(answer.raw().body())
          .doesNotContain(token)
          .doesNotContain(token.substring(token.length() - 16));
    }
  }

  @Test
  void aClientKeyAloneTouchesNoUserOnAnyRoute() {
    Map<String, Long> before = ApiFixtures.rows(env, SHOP);
    JsonNode doc = api.get("/openapi.json", null).json();
    List<String> tried = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!op.getValue().isObject()
            || !op.getValue().path("security").toString().contains("bearer")) {
          continue; // parameters, and the routes no key is needed for
        }
        String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
        String target =
            path.getKey()
                .replace("{id}", "ada")
                .replace("{channel}", "email")
                .replace("{address}", "a@b.c");
        String body =
            method.equals("GET") || method.equals("DELETE") && !target.endsWith("/devices")
                ? null
                : target.endsWith("/devices") ? device("x") : "{}";
        ApiClient.Answer answer = api.send(method, target, client, body);
        boolean forClients = op.getValue().path("security").toString().contains("userToken");
        assertThat(answer.status())
            .as(method + " " + target + ": " + answer)
            .isEqualTo(forClients ? 401 : 403);
        if (forClients) {
          assertRefused(answer, 401, "is required with a client key", null);
        }
        tried.add(method + " " + target);
      }
    }
    assertThat(tried)
        .contains(
            "POST /v1/users/ada/devices",
            "DELETE /v1/users/ada/devices",
            "PUT /v1/users/ada/preferences",
            "GET /v1/users/ada/preferences",
            "POST /v1/deliveries/ada/events",
            "GET /v1/users/ada",
            "POST /v1/notifications");
    assertThat(ApiFixtures.rows(env, SHOP)).isEqualTo(before);
  }

  @Test
  void aTokenSpeaksForItsUserAndNoOther() {
    String adas = shopBackend.mint("ada", SHOP, Duration.ofMinutes(10));
    assertThat(
            api.send("POST", "/v1/users/ada/devices", client, device("ada-1"), asUser(adas))
                .status())
        .isEqualTo(201);
    assertThat(
            api.send(
                    "PUT",
                    "/v1/users/ada/preferences",
                    client,
                    "{\"preferences\":[{\"channel\":\"push\",\"category\":\"marketing\",\"optedIn\":false}]}",
                    asUser(adas))
                .status())
        .isEqualTo(200);
    assertThat(
            api.send("GET", "/v1/users/ada/preferences", client, null, asUser(adas))
                .json()
                .toString())
        .contains("marketing");

    // ada's token replayed on bob's paths: refused before anything is read or written
    long bobsDevices = devices(SHOP, "bob");
    for (String[] call :
        new String[][] {
          {"POST", "/v1/users/bob/devices", device("evil")},
          {"DELETE", "/v1/users/bob/devices", device("x")},
          {"PUT", "/v1/users/bob/preferences", "{\"optedOutOfAll\":true}"},
          {"GET", "/v1/users/bob/preferences", null},
          {"GET", "/v1/users/ghost/preferences", null},
          {"POST", "/v1/users/Ada/devices", device("case")}
        }) {
      assertRefused(
          api.send(call[0], call[1], client, call[2], asUser(adas)), 403, "another user", adas);
    }
    assertThat(devices(SHOP, "bob")).isEqualTo(bobsDevices);
    assertThat(
            ApiFixtures.count(
                env, "select count(*) from preferences where tenant = ? and user_id = 'bob'", SHOP))
        .isZero();
    // the same request, with a backend key, needs no token
    assertThat(api.send("GET", "/v1/users/bob/preferences", admin, null, asUser(adas)).status())
        .isEqualTo(200);
    assertThat(
            api.send("DELETE", "/v1/users/ada/devices", client, device("ada-1"), asUser(adas))
                .status())
        .isEqualTo(204);
  }

  @Test
  void eachAlgorithmVerifiesEndToEnd() {
    for (BackendSigningKey key :
        List.of(
            BackendSigningKey.hs256("alg-hs"),
            BackendSigningKey.es256("alg-es"),
            BackendSigningKey.rs256("alg-rs"))) {
      ApiFixtures.userTokenKey(env, api, SHOP, key, client);
      String token = key.mint("ada", SHOP, Duration.ofMinutes(5));
      assertThat(api.send("GET", "/v1/users/ada/preferences", client, null, asUser(token)).status())
          .as(key.algorithm().getName())
          .isEqualTo(200);
    }
  }

  @Test
  void anotherTenantsTokenNeverWorks() {
    Map<String, Long> shop = ApiFixtures.rows(env, SHOP);
    // rival's backend mints for "ada" with its key named like shop's: shop refuses it whatever its
    // aud
    for (String aud : List.of(RIVAL, SHOP)) {
      String rivals =
          rivalBackend.sign(
              rivalBackend.header().build(),
              BackendSigningKey.claims("ada", aud, Instant.now(), Duration.ofMinutes(5)).build());
      assertRefused(
          api.send("POST", "/v1/users/ada/devices", client, device("rival"), asUser(rivals)),
          401,
          "does not verify",
          rivals);
    }
    // shop's token with rival's client key: rival's key of that name does not verify it
    String shops = shopBackend.mint("ada", SHOP, Duration.ofMinutes(5));
    assertRefused(
        api.send("POST", "/v1/users/ada/devices", rivalClient, device("shop"), asUser(shops)),
        401,
        "does not verify",
        shops);
    // a tenant holding the very same key as another still refuses the other's tokens: aud names the
    // tenant
    BackendSigningKey shared = BackendSigningKey.hs256("shared");
    ApiFixtures.userTokenKey(env, api, SHOP, shared, client);
    ApiFixtures.userTokenKey(env, api, RIVAL, shared, rivalClient);
    String forRival = shared.mint("ada", RIVAL, Duration.ofMinutes(5));
    assertRefused(
        api.send("POST", "/v1/users/ada/devices", client, device("shared"), asUser(forRival)),
        401,
        "needs aud naming this tenant's namespace (shop)",
        forRival);
    assertThat(
            api.send(
                    "POST",
                    "/v1/users/ada/devices",
                    rivalClient,
                    device("shared"),
                    asUser(forRival))
                .status())
        .isEqualTo(201);
    assertThat(ApiFixtures.rows(env, SHOP)).isEqualTo(shop);
  }

  @Test
  void rotationByASecondKeyThenDeletionRevokes() {
    BackendSigningKey v1 = BackendSigningKey.es256("rotate-v1");
    ApiFixtures.userTokenKey(env, api, SHOP, v1, client);
    String old = v1.mint("ada", SHOP, Duration.ofMinutes(30));
    BackendSigningKey v2 = BackendSigningKey.rs256("rotate-v2");
    ApiFixtures.userTokenKey(env, api, SHOP, v2, client);
    String fresh = v2.mint("ada", SHOP, Duration.ofMinutes(30));
    assertThat(api.send("GET", "/v1/users/ada/preferences", client, null, asUser(old)).status())
        .isEqualTo(200);
    assertThat(api.send("GET", "/v1/users/ada/preferences", client, null, asUser(fresh)).status())
        .isEqualTo(200);

    env.client().secrets().inNamespace(SHOP).withName("rotate-v1").delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send("GET", "/v1/users/ada/preferences", client, null, asUser(old)).status()
                    == 401);
    assertRefused(
        api.send("GET", "/v1/users/ada/preferences", client, null, asUser(old)),
        401,
        "names by kid no user-token key of this tenant",
        old);
    assertThat(api.send("GET", "/v1/users/ada/preferences", client, null, asUser(fresh)).status())
        .isEqualTo(200);

    // the Secret edited to new material: what the old material signed stops verifying
    BackendSigningKey replaced = BackendSigningKey.rs256("rotate-v2");
    ApiFixtures.userTokenKey(env, api, SHOP, replaced, client);
    assertRefused(
        api.send("GET", "/v1/users/ada/preferences", client, null, asUser(fresh)),
        401,
        "does not verify",
        fresh);
    // the label removed: no longer a key
    env.client()
        .secrets()
        .inNamespace(SHOP)
        .withName("rotate-v2")
        .edit(
            s -> {
              s.getMetadata().getLabels().remove("herald.dev/user-token-key");
              return s;
            });
    String latest = replaced.mint("ada", SHOP, Duration.ofMinutes(5));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send("GET", "/v1/users/ada/preferences", client, null, asUser(latest)).status()
                    == 401);
  }

  @Test
  void forgedExpiredAndOverlongTokensAreRefused() {
    String forged = shopBackend.mint("ada", SHOP, Duration.ofMinutes(5));
    String[] parts = forged.split("\\.");
    Instant now = Instant.now();
    Map<String, String> attacks = new HashMap<>();
    attacks.put(
        Base64URL.encode("{\"alg\":\"none\",\"kid\":\"app-tokens\"}") + "." + parts[1] + ".",
        "is not a signed JWT");
    attacks.put(
        parts[0]
            + "."
            + Base64URL.encode(
                BackendSigningKey.claims("bob", SHOP, now, Duration.ofMinutes(5))
                    .build()
                    .toString())
            + "."
            + parts[2],
        "does not verify");
    attacks.put(
        shopBackend.sign(
            shopBackend.header().build(),
            BackendSigningKey.claims("ada", SHOP, now.minusSeconds(3600), Duration.ofMinutes(10))
                .build()),
        "has expired");
    attacks.put(
        shopBackend.sign(
            shopBackend.header().build(),
            BackendSigningKey.claims("ada", SHOP, now, Duration.ofDays(30)).build()),
        "lives longer than the 24 h");
    attacks.put(
        shopBackend.sign(
            shopBackend.header().build(),
            BackendSigningKey.claims("ada", SHOP, now, Duration.ofMinutes(5))
                .expirationTime(null)
                .build()),
        "needs exp");
    attacks.put(
        hmacWithThePublicKey(), "says alg HS256, but the key app-tokens verifies ES256 only");
    attacks.put("Bearer " + forged, "is not a signed JWT");
    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      assertRefused(
          api.send(
              "POST", "/v1/users/ada/devices", client, device("forged"), asUser(attack.getKey())),
          401,
          attack.getValue(),
          attack.getKey());
    }
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from devices where tenant = ? and token like '%forged'",
                SHOP))
        .isZero();
  }

  private static String hmacWithThePublicKey() {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(shopBackend.kid()).build(),
              BackendSigningKey.claims("ada", SHOP, Instant.now(), Duration.ofMinutes(5)).build());
      jwt.sign(new MACSigner(shopBackend.publicKeyPem().getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSecretThatCannotBeASafeKeyIsRefusedAndSaysWhy() {
    String shortSecret = "too-short-" + "x".repeat(12);
    ApiFixtures.putUserTokenKeySecret(
        env, SHOP, "weak", Map.of("algorithm", "HS256", "secret", shortSecret));
    String privatePem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
            + "-----END PRIVATE KEY-----\n";
    ApiFixtures.putUserTokenKeySecret(
        env, SHOP, "leaky", Map.of("algorithm", "RS256", "publicKey", privatePem));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(events("weak"))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("UserTokenKeyInvalid");
                        assertThat(e.getMessage())
                            .contains("secret: must be at least 32 bytes")
                            .doesNotContain(shortSecret);
                      });
              assertThat(events("leaky"))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("UserTokenKeyInvalid");
                        assertThat(e.getMessage())
                            .contains("publicKey: holds a private key")
                            .doesNotContain("MIIEvQ");
                      });
            });
    String weak =
        BackendSigningKey.hs256("weak", shortSecret + "-padding-to-sign")
            .mint("ada", SHOP, Duration.ofMinutes(5));
    assertRefused(
        api.send("GET", "/v1/users/ada/preferences", client, null, asUser(weak)),
        401,
        "names by kid no",
        weak);
  }

  @Test
  void aKeyMixingClientWithAnotherScopeIsRefused() {
    String mixed = ApiFixtures.newKey();
    ApiFixtures.putKeySecret(env, SHOP, "mixed", mixed, "client,contacts");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(events("mixed"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("ApiKeyInvalid");
                          assertThat(e.getMessage()).contains("client scope").doesNotContain(mixed);
                        }));
    assertThat(api.send("PUT", "/v1/users/mallory", mixed, "{}").status()).isEqualTo(401);
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from api_keys where key_id = ? and revoked_at is null",
                SHOP + "/mixed"))
        .isZero();
  }

  private static List<Event> events(String name) {
    return env.client().v1().events().inNamespace(SHOP).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
