package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the API server would have rejected, resources that reference what is not there, and
 * deletion: each gets a condition naming the field, and none stops the operator.
 */
class ResourceProblemsEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-problems", Duration.ofSeconds(5));
    env.startDispatcher("dispatcher");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /**
   * Sends the YAML as written, the way kubectl does, not re-serialised through Herald's classes.
   */
  private static void apply(String yaml) {
    GenericKubernetesResource raw = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    env.client()
        .genericKubernetesResources(raw.getApiVersion(), raw.getKind())
        .inNamespace(raw.getMetadata().getNamespace())
        .resource(raw)
        .create();
  }

  private static Condition condition(Notification n, String type) {
    return n.getStatus() == null ? null : n.getStatus().condition(type).orElse(null);
  }

  @Test
  void aMalformedNotificationIsReportedByFieldAndTheOperatorKeepsWorking() {
    String ns = "malformed";
    env.emailSetup(ns);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: malformed, namespace: malformed}
        spec:
          template: order-shipped
          recipients: "ada@example.com"
          channels: [email, carrier-pigeon]
          priority: 5
          colour: blue
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "malformed");
              Condition accepted = condition(n, NotificationStatus.ACCEPTED);
              assertThat(accepted).isNotNull();
              assertThat(accepted.getReason()).isEqualTo("InvalidSpec");
              assertThat(accepted.getMessage())
                  .contains("spec.recipients: must be an array")
                  .contains("spec.channels[1]: must be one of")
                  .contains("spec.priority: must be a string")
                  .contains("spec.colour: unknown field");
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Failed);
            });

    // The informer survived: a valid Notification in the same namespace still goes out.
    env.emailNotification(
        ns,
        "valid-after",
        "order-shipped",
        Map.of("orderId", "9", "note", "n"),
        "after@example.com");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "valid-after");
              assertThat(n.getStatus()).isNotNull();
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Completed);
            });
    assertThat(env.sendgrid.mailsTo("after@example.com")).hasSize(1);
  }

  @Test
  void aSenderNameThatWouldSplitAHeaderMakesTheProviderInvalid() {
    String ns = "header-split";
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: split, namespace: header-split}
        spec:
          type: sendgrid
          secretRef: {name: sendgrid-credentials}
          sendgrid: {from: a@example.com, fromName: "Shop\\r\\nBcc: victim@example.com"}
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DeliveryProvider split =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(ns)
                      .withName("split")
                      .get();
              Condition ready = HeraldEnvironment.condition(split, DeliveryProviderStatus.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage())
                  .contains("spec.sendgrid.fromName")
                  .doesNotContainPattern("\\p{Cc}");
            });
  }

  @Test
  void numbersAndDurationsBeyondTheirLimitsAreInvalidSpecsNotFailures() throws Exception {
    String ns = "limits";
    env.emailSetup(ns);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: forever, namespace: limits}
        spec:
          template: order-shipped
          recipients: [{email: forever@example.com}]
          channels: [email]
          data: {orderId: "1", note: "n"}
          expiresAfter: 9223372036854775807h
        """);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: kept-forever, namespace: limits}
        spec:
          template: order-shipped
          recipients: [{email: kept@example.com}]
          channels: [email]
          data: {orderId: "1", note: "n"}
          ttlSecondsAfterFinished: 9223372036854775807
        """);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: fast, namespace: limits}
        spec:
          type: sendgrid
          secretRef: {name: sendgrid-credentials}
          sendgrid: {from: a@example.com}
          rateLimit: 99999999999
          order: 5000000000
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Condition forever =
                  condition(env.notification(ns, "forever"), NotificationStatus.ACCEPTED);
              assertThat(forever).isNotNull();
              assertThat(forever.getReason()).isEqualTo("InvalidSpec");
              assertThat(forever.getMessage()).isEqualTo("spec.expiresAfter: must be at most 720h");
              Condition kept =
                  condition(env.notification(ns, "kept-forever"), NotificationStatus.ACCEPTED);
              assertThat(kept).isNotNull();
              assertThat(kept.getReason()).isEqualTo("InvalidSpec");
              assertThat(kept.getMessage())
                  .contains("spec.ttlSecondsAfterFinished: must be at most 2147483647");
              DeliveryProvider fast =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(ns)
                      .withName("fast")
                      .get();
              Condition ready = HeraldEnvironment.condition(fast, DeliveryProviderStatus.READY);
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage())
                  .contains("spec.rateLimit: must be at most 1000000")
                  .contains("spec.order: must be at most 1000");
            });
    assertThat(env.notification(ns, "forever").getStatus().getPhase())
        .isEqualTo(dev.herald.api.notification.NotificationPhase.Failed);
    assertThat(env.deliveryRows(ns)).isZero();
  }

  @Test
  void aVariableMissingInOneRecipientsLocaleIsFoundAtAcceptanceAndNothingIsWritten()
      throws Exception {
    String ns = "locales";
    env.emailSetup(ns);
    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("greeting")
            .withNamespace(ns)
            .build());
    var spec = new dev.herald.api.template.NotificationTemplateSpec();
    spec.setEmail(
        new dev.herald.api.template.EmailContent(
            "Hello {{ name }}", "<p>Hello</p>", null, null, null, null));
    // German mail asks for a variable the data does not have, on its html's second line.
    spec.setLocales(
        Map.of(
            "de",
            new dev.herald.api.template.LocalizedContent(
                new dev.herald.api.template.EmailContent(
                    "Hallo {{ name }}", "<p>Hallo\n{{ vorname }}</p>", null, null, null, null),
                null,
                null)));
    t.setSpec(spec);
    env.client().resource(t).create();
    // The first recipient's locale renders; the second one's does not.
    ApiFixtures.execute(
        env,
        "insert into users (tenant, user_id, email, locale) values (?, 'ann', 'ann@example.com', 'en'),"
            + " (?, 'udo', 'udo@example.com', 'de-AT')",
        ns,
        ns);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: greeting, namespace: locales}
        spec:
          template: greeting
          recipients: [{user: ann}, {user: udo}]
          channels: [email]
          data: {name: friend}
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Condition accepted =
                  condition(env.notification(ns, "greeting"), NotificationStatus.ACCEPTED);
              assertThat(accepted).isNotNull();
              assertThat(accepted.getStatus()).isEqualTo("False");
              assertThat(accepted.getReason()).isEqualTo("RenderFailed");
              assertThat(accepted.getMessage())
                  .startsWith("template.locales.de.email.html line 2 (recipient locale de-AT):")
                  .contains("vorname");
            });
    assertThat(env.deliveryRows(ns)).isZero();
    assertThat(env.sendgrid.mailsTo("ann@example.com")).isEmpty();
  }

  @Test
  void aTemplateThatDoesNotCompileNamesFieldAndLine() {
    String ns = "bad-template";
    env.template(ns, "broken", "Hello", "<p>\n{% if %}</p>", null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              NotificationTemplate t =
                  env.client()
                      .resources(NotificationTemplate.class)
                      .inNamespace(ns)
                      .withName("broken")
                      .get();
              assertThat(t.getStatus()).isNotNull();
              Condition valid = HeraldEnvironment.condition(t, NotificationTemplateStatus.VALID);
              assertThat(valid.getStatus()).isEqualTo("False");
              assertThat(valid.getReason()).isEqualTo("TemplateSyntaxError");
              assertThat(valid.getMessage()).startsWith("spec.email.html line 2:");
            });
  }

  @Test
  void aProviderWithoutItsSecretIsNotReadyUntilTheSecretExists() {
    String ns = "no-secret";
    env.sendgridProvider(ns, "sendgrid", "missing-secret");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DeliveryProvider p =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(ns)
                      .withName("sendgrid")
                      .get();
              Condition ready = HeraldEnvironment.condition(p, DeliveryProviderStatus.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("SecretNotFound");
              assertThat(ready.getMessage())
                  .contains("spec.secretRef.name")
                  .contains("missing-secret");
            });

    env.secret(ns, "missing-secret", Map.of("wrongKey", "x"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              DeliveryProvider p =
                  env.client()
                      .resources(DeliveryProvider.class)
                      .inNamespace(ns)
                      .withName("sendgrid")
                      .get();
              Condition ready = HeraldEnvironment.condition(p, DeliveryProviderStatus.READY);
              assertThat(ready.getReason()).isEqualTo("InvalidCredentials");
              assertThat(ready.getMessage()).contains("apiKey").doesNotContain("wrongKey\": \"x");
            });
  }

  @Test
  void deletingAScheduledNotificationCancelsItsDeliveries() {
    String ns = "cancel";
    env.emailSetup(ns);
    apply(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: later, namespace: cancel}
        spec:
          template: order-shipped
          recipients: [{email: later@example.com}, {email: later2@example.com}]
          channels: [email]
          sendAt: "%s"
          data: {orderId: "5", note: "n"}
        """
            .formatted(Instant.now().plus(Duration.ofHours(1))));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "later");
              assertThat(n.getStatus()).isNotNull();
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Scheduled);
            });
    assertThat(env.deliveriesIn(ns, "pending")).isEqualTo(2);

    env.client().resources(Notification.class).inNamespace(ns).withName("later").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(env.notification(ns, "later")).isNull();
              assertThat(env.deliveriesIn(ns, "cancelled")).isEqualTo(2);
            });
    assertThat(env.sendgrid.mailsTo("later@example.com")).isEmpty();
  }
}
