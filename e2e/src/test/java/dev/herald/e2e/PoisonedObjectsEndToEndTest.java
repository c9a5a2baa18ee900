package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Objects no Java class can read — a Secret whose {@code data} is not a map of strings, a resource
 * whose status has the wrong types — written straight into the API (the mock stores anything, as an
 * API server with a broken admission chain could). None of them may stop the operator: it reports
 * them where it can and keeps serving everything else.
 */
class PoisonedObjectsEndToEndTest {
  private static final String POISON = "poison";
  private static final String HEALTHY = "healthy";

  /** What the poisoned Secrets hold: it must never show up in a status, an Event or a log. */
  private static final String SECRET_VALUE = "SG.poisoned-value-never-shown";

  private static HeraldEnvironment env;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-poison", Duration.ofSeconds(5));
    env.startDispatcher("dispatcher-poison");
    api = new ApiClient(env.operator.apiPort());
    env.emailSetup(HEALTHY);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** Sends raw JSON to the mock API, bypassing every Java model class. */
  private static String raw(String method, String path, String json) throws Exception {
    HttpClient http = env.client().getHttpClient();
    HttpRequest.Builder b = http.newHttpRequestBuilder().uri(env.kube.url() + path.substring(1));
    HttpRequest request =
        switch (method) {
          case "POST" -> b.post("application/json", json).build();
          case "PUT" -> b.put("application/json", json).build();
          case "DELETE" -> b.delete("application/json", "{}").build();
          default -> throw new IllegalArgumentException(method);
        };
    HttpResponse<String> response = http.sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
    assertThat(response.code()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
    return response.body();
  }

  private static void aNotificationStillGoesOut(String name) {
    env.emailNotification(
        HEALTHY, name, "order-shipped", Map.of("orderId", "7", "note", "n"), name + "@example.com");
    env.awaitPhase(HEALTHY, name, "Completed");
    assertThat(env.sendgrid.mailsTo(name + "@example.com")).hasSize(1);
  }

  private static List<Event> events(String namespace, String involved) {
    return env.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void unreadableSecretsAreReportedOnTheirProviderAndSkippedWhileEverythingElseWorks()
      throws Exception {
    env.sendgridProvider(POISON, "sendgrid", "unreadable");
    // data.apiKey is an object, not a base64 string: fabric8's Secret class cannot be read from it.
    raw(
        "POST",
        "/api/v1/namespaces/" + POISON + "/secrets",
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"unreadable","namespace":"%s"},
         "data":{"apiKey":{"value":"%s"}}}"""
            .formatted(POISON, SECRET_VALUE));
    // An API key Secret whose data is not even a map.
    raw(
        "POST",
        "/api/v1/namespaces/" + POISON + "/secrets",
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad-key","namespace":"%s",
         "labels":{"herald.dev/api-key":"true"}},"data":"%s"}"""
            .formatted(POISON, SECRET_VALUE));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DeliveryProvider p =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(POISON)
                      .withName("sendgrid")
                      .get();
              Condition ready = HeraldEnvironment.condition(p, DeliveryProviderStatus.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("SecretUnreadable");
              assertThat(ready.getMessage())
                  .contains("\"unreadable\"")
                  .contains("data.apiKey")
                  .doesNotContain(SECRET_VALUE);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(events(POISON, "sendgrid"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("SecretUnreadable"));
              assertThat(events(POISON, "bad-key"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ApiKeyUnreadable"));
            });
    assertThat(env.client().v1().events().inAnyNamespace().list().getItems())
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(SECRET_VALUE));

    // Its webhook finds no verification key (not a failure of the API).
    assertThat(
            api.send("POST", "/v1/webhooks/sendgrid/" + POISON + "/sendgrid", null, "[]").status())
        .isEqualTo(404);

    // The Secret informers kept watching: a new API key works, and a Notification is sent.
    String key = ApiFixtures.apiKey(env, api, HEALTHY, "after-poison", "send,read");
    assertThat(api.get("/v1/notifications/" + java.util.UUID.randomUUID(), key).status())
        .isEqualTo(404);
    aNotificationStillGoesOut("after-secret");

    // Repairing the Secret makes the provider Ready: its informer still sees changes.
    // (Raw: fabric8's client reads the deletion's answer as a Secret, and cannot.)
    raw("DELETE", "/api/v1/namespaces/" + POISON + "/secrets/unreadable", null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                env.client()
                        .genericKubernetesResources("v1", "Secret")
                        .inNamespace(POISON)
                        .withName("unreadable")
                        .get()
                    == null);
    env.secret(POISON, "unreadable", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DeliveryProvider p =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(POISON)
                      .withName("sendgrid")
                      .get();
              assertThat(HeraldEnvironment.condition(p, DeliveryProviderStatus.READY).getStatus())
                  .isEqualTo("True");
            });
  }

  @Test
  void aResourceWhoseStatusCannotBeReadIsRewrittenWhileEverythingElseWorks() throws Exception {
    String ns = "poison-status";
    env.emailSetup(ns);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              NotificationTemplate t =
                  env.client()
                      .resources(NotificationTemplate.class)
                      .inNamespace(ns)
                      .withName("order-shipped")
                      .get();
              assertThat(
                      HeraldEnvironment.condition(t, NotificationTemplateStatus.VALID).getStatus())
                  .isEqualTo("True");
            });
    String base = "/apis/herald.dev/v1alpha1/namespaces/" + ns + "/";
    // Through the status subresource, with types no status class can read.
    raw(
        "PUT",
        base + "notificationtemplates/order-shipped/status",
        """
        {"apiVersion":"herald.dev/v1alpha1","kind":"NotificationTemplate",
         "metadata":{"name":"order-shipped","namespace":"%s"},
         "status":{"conditions":"all good","observedGeneration":"soon"}}"""
            .formatted(ns));
    raw(
        "PUT",
        base + "deliveryproviders/sendgrid/status",
        """
        {"apiVersion":"herald.dev/v1alpha1","kind":"DeliveryProvider",
         "metadata":{"name":"sendgrid","namespace":"%s"},"status":{"conditions":[{"type":{"not":"a string"}}]}}"""
            .formatted(ns));

    aNotificationStillGoesOut("after-status");

    // The template's next reconcile writes a status that reads again.
    env.client()
        .resources(NotificationTemplate.class)
        .inNamespace(ns)
        .withName("order-shipped")
        .edit(
            t -> {
              t.getSpec().setCritical(true);
              return t;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              NotificationTemplate t =
                  env.client()
                      .resources(NotificationTemplate.class)
                      .inNamespace(ns)
                      .withName("order-shipped")
                      .get();
              Condition valid = HeraldEnvironment.condition(t, NotificationTemplateStatus.VALID);
              assertThat(valid.getStatus()).isEqualTo("True");
              assertThat(t.getStatus().getObservedGeneration())
                  .isEqualTo(t.getMetadata().getGeneration());
            });
    Notification sent = env.notification(HEALTHY, "after-status");
    assertThat(sent.getStatus().getSent()).isEqualTo(1);
  }
}
