package dev.herald.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.ProviderType;
import dev.herald.core.webpush.VapidKeyPair;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.providers.Providers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's wiring of its web push simulator, without starting the sandbox: the webpush
 * provider's Secret gets a usable VAPID pair, no spec.endpoint, and the operator's and dispatchers'
 * endpoint rules let exactly the simulator's subscriptions through.
 */
class SimulatorsTest {

  @Test
  void theWebPushSimulatorIsWiredThroughTheLoopbackAllowanceOnly() {
    try (Simulators simulators = Simulators.start()) {
      assertThat(VapidKeyPair.problems(simulators.credentials(ProviderType.WEBPUSH))).isEmpty();
      assertThat(simulators.endpoint(ProviderType.WEBPUSH)).isNull();
      WebPushEndpoints rules = simulators.webPushEndpoints();
      String endpoint = simulators.webpush().subscribe("ada-browser").endpoint();
      assertThat(rules.formProblem(endpoint)).isEmpty();
      assertThat(rules.formProblem(endpoint.replace("localhost", "127.0.0.1"))).isPresent();
      assertThat(WebPushEndpoints.publicOnly().formProblem(endpoint)).isPresent();
      for (ProviderType type : ProviderType.values()) {
        assertThat(simulators.credentials(type).keySet())
            .as(type.wireName())
            .containsAll(type.requiredSecretKeys());
        assertThat(Providers.forChecks().of(type).credentialProblems(simulators.credentials(type)))
            .as(type.wireName())
            .isEmpty();
      }
    }
  }

  @Test
  void theExampleSmtpProviderIsPointedAtTheSimulatorThroughSpecSmtpAndIsSendGridsFailover()
      throws Exception {
    Path examples = Path.of("..", "examples");
    List<HasMetadata> items;
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        var in = Files.newInputStream(examples.resolve("16-smtp-provider.yaml"))) {
      client.getKubernetesSerialization().registerKubernetesResource(DeliveryProvider.class);
      items = client.load(in).items();
    }
    DeliveryProvider smtp =
        items.stream()
            .filter(DeliveryProvider.class::isInstance)
            .map(DeliveryProvider.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(smtp.getSpec().getType()).isEqualTo(ProviderType.SMTP);
    assertThat(smtp.getSpec().getOrder())
        .isGreaterThan(100); // SendGrid's (example 01) is the default, 100
    assertThat(Files.readString(examples.resolve("01-sendgrid-provider.yaml")))
        .doesNotContain("order:");
    assertThat(items)
        .filteredOn(Secret.class::isInstance)
        .extracting(i -> i.getMetadata().getName())
        .containsExactly(smtp.getSpec().getSecretRef().name());
    try (Simulators simulators = Simulators.start()) {
      simulators.of(ProviderType.SMTP).pointAt(smtp.getSpec());
      assertThat(smtp.getSpec().getEndpoint()).isNull();
      assertThat(smtp.getSpec().getSmtp().host()).isEqualTo("127.0.0.1");
      assertThat(smtp.getSpec().getSmtp().port()).isEqualTo(simulators.smtp().port());
      assertThat(smtp.getSpec().getSmtp().from()).isEqualTo("orders@shop.example");
      assertThat(simulators.credentials(ProviderType.SMTP))
          .containsOnlyKeys("username", "password", "caCertificate");
    }
  }

  @Test
  void theExamplesHaveAWebPushProviderAndABrowserToSendTo() throws Exception {
    Path examples = Path.of("..", "examples");
    String provider = Files.readString(examples.resolve("15-webpush-provider.yaml"));
    assertThat(provider)
        .contains("type: webpush", "vapidPublicKey:", "vapidPrivateKey:", "subject: mailto:");
    assertThat(Files.readString(examples.resolve("contacts.json")))
        .contains("\"webPushSubscription\"");
  }

  @Test
  void theExamplesSendSmsThroughTwilioFirstAndVonageOnFailoverWithUsableSecrets() throws Exception {
    Path examples = Path.of("..", "examples");
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byKind =
        new java.util.HashMap<>();
    java.util.Map<String, Integer> smsOrder = new java.util.TreeMap<>();
    for (String file : java.util.List.of("10-twilio-provider.yaml", "17-vonage-provider.yaml")) {
      try (var docs =
          yaml.readerFor(com.fasterxml.jackson.databind.JsonNode.class)
              .<com.fasterxml.jackson.databind.JsonNode>readValues(
                  Files.readString(examples.resolve(file)))) {
        while (docs.hasNext()) {
          var doc = docs.next();
          byKind.put(
              doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
          if (doc.path("kind").asText().equals("DeliveryProvider")) {
            smsOrder.put(
                doc.path("spec").path("type").asText(), doc.path("spec").path("order").asInt(-1));
          }
        }
      }
    }
    assertThat(smsOrder)
        .containsExactly(java.util.Map.entry("twilio", 10), java.util.Map.entry("vonage", 20));
    var vonage = dev.herald.providers.Providers.forChecks().of(ProviderType.VONAGE);
    java.util.Map<String, String> exampleSecret =
        yaml.convertValue(
            byKind.get("Secret/vonage-credentials").path("stringData"),
            new com.fasterxml.jackson.core.type.TypeReference<>() {});
    assertThat(vonage.credentialProblems(exampleSecret)).isEmpty();
    assertThat(
            byKind.get("DeliveryProvider/vonage").path("spec").path("vonage").path("from").asText())
        .matches(dev.herald.api.provider.VonageSettings.SENDER);
    try (Simulators simulators = Simulators.start()) {
      assertThat(vonage.credentialProblems(simulators.credentials(ProviderType.VONAGE))).isEmpty();
      assertThat(simulators.endpoint(ProviderType.VONAGE)).startsWith("http://127.0.0.1:");
    }
  }
}
