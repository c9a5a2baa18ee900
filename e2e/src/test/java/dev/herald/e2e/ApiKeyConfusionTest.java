package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key value belongs to exactly one tenant: a copy of it in another Secret — another namespace's
 * or the same one's — is refused and reported on that Secret, never makes the key act as another
 * tenant, and deleting the copy does not revoke the key.
 */
class ApiKeyConfusionTest {
  private static HeraldEnvironment env;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-api-keys", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aCopyInAnotherNamespaceIsRefusedAndItsDeletionRevokesNothing() {
    String key = ApiFixtures.apiKey(env, api, "shop", "checkout", "contacts,read");
    assertThat(api.send("PUT", "/v1/users/ada", key, "{\"email\":\"ada@example.com\"}").status())
        .isEqualTo(201);

    ApiFixtures.putKeySecret(env, "rival", "stolen", key, "contacts,read");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(events("rival", "stolen"))
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ApiKeyDuplicate")));
    assertThat(events("rival", "stolen"))
        .allSatisfy(
            e -> {
              assertThat(e.getMessage()).doesNotContain(key).doesNotContain("shop/checkout");
            });
    // Still the shop's key: it sees shop's user, and what it writes lands in shop.
    assertThat(api.get("/v1/users/ada", key).status()).isEqualTo(200);
    assertThat(api.send("PUT", "/v1/users/bob", key, "{\"email\":\"bob@example.com\"}").status())
        .isEqualTo(201);
    assertThat(ApiFixtures.count(env, "select count(*) from users where tenant = 'rival'"))
        .isZero();
    assertThat(
            ApiFixtures.count(
                env, "select count(*) from users where tenant = 'shop' and user_id = 'bob'"))
        .isOne();

    env.client().secrets().inNamespace("rival").withName("stolen").delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                ApiFixtures.count(
                        env,
                        "select count(*) from api_keys where key_id = 'rival/stolen' and revoked_at is null")
                    == 0);
    assertThat(api.get("/v1/users/ada", key).status())
        .as("the owner's key still works")
        .isEqualTo(200);
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from api_keys where key_id = 'shop/checkout' and revoked_at is null"))
        .isOne();
  }

  @Test
  void aCopyInTheSameNamespaceIsRefusedAndTakesOverWhenTheOriginalGoes() {
    String key = ApiFixtures.apiKey(env, api, "billing", "old-name", "read");
    ApiFixtures.putKeySecret(env, "billing", "new-name", key, "contacts,read");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(events("billing", "new-name"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("ApiKeyDuplicate");
                          assertThat(e.getMessage())
                              .contains("billing/old-name")
                              .doesNotContain(key);
                        }));
    // The copy's scopes do not apply: only the owner's.
    String carol = "{\"email\":\"carol@example.com\"}";
    assertThat(api.send("PUT", "/v1/users/carol", key, carol).status()).isEqualTo(403);

    env.client().secrets().inNamespace("billing").withName("old-name").delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> api.send("PUT", "/v1/users/carol", key, carol).status() == 201);
  }

  @Test
  void rotationByCreatingTheNewSecretFirstKeepsServing() {
    String old = ApiFixtures.apiKey(env, api, "ops", "v1", "contacts,read");
    String fresh = ApiFixtures.apiKey(env, api, "ops", "v2", "contacts,read");
    assertThat(api.get("/v1/users/nobody", old).status()).isEqualTo(404);
    assertThat(api.get("/v1/users/nobody", fresh).status()).isEqualTo(404);
    env.client().secrets().inNamespace("ops").withName("v1").delete();
    ApiFixtures.awaitRejected(api, old);
    assertThat(api.get("/v1/users/nobody", fresh).status()).isEqualTo(404);
  }

  private static List<Event> events(String namespace, String name) {
    return env.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
