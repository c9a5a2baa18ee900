package dev.herald.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.ProviderType;
import dev.herald.core.webpush.VapidKeyPair;
import dev.herald.core.webpush.WebPushEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's wiring of its web push simulator, without starting the sandbox: the webpush
 * provider's Secret gets a usable VAPID pair, no spec.endpoint, and the operator's and
 * dispatchers' endpoint rules let exactly the simulator's subscriptions through.
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
        assertThat(simulators.credentials(type)).as(type.wireName()).containsKeys(
            type.requiredSecretKeys().toArray(String[]::new));
      }
    }
  }

  @Test
  void theExamplesHaveAWebPushProviderAndABrowserToSendTo() throws Exception {
    Path examples = Path.of("..", "examples");
    String provider = Files.readString(examples.resolve("15-webpush-provider.yaml"));
    assertThat(provider).contains("type: webpush", "vapidPublicKey:", "vapidPrivateKey:", "subject: mailto:");
    assertThat(Files.readString(examples.resolve("contacts.json"))).contains("\"webPushSubscription\"");
  }
}
