package dev.herald.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Events a status change announces: one per change, however often a stale reconcile repeats it.
 */
class StatusUpdatesTest {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private EventRecorder events;

  @BeforeEach
  void start() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    events = new EventRecorder(client);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void aReconcileOfAStaleCopyDoesNotAnnounceTheSameChangeAgain() {
    DeliveryProviderStatus none = new DeliveryProviderStatus();
    DeliveryProviderStatus ready =
        status("True", "CredentialsFound", "Secret \"sg\" holds well-formed credentials");

    StatusUpdates.finish(provider(), none, ready, DeliveryProviderStatus.READY, events);
    // the next reconcile read the provider from a cache that did not have the status yet
    StatusUpdates.finish(provider(), none, ready, DeliveryProviderStatus.READY, events);

    assertThat(reasons()).containsExactly("CredentialsFound");
  }

  @Test
  void everyRealChangeIsAnnouncedEvenBackToAnEarlierState() {
    DeliveryProviderStatus none = new DeliveryProviderStatus();
    DeliveryProviderStatus ready =
        status("True", "CredentialsFound", "Secret \"sg\" holds well-formed credentials");
    DeliveryProviderStatus missing = status("False", "SecretNotFound", "Secret \"sg\" not found");

    StatusUpdates.finish(provider(), none, ready, DeliveryProviderStatus.READY, events);
    StatusUpdates.finish(provider(), ready, missing, DeliveryProviderStatus.READY, events);
    StatusUpdates.finish(provider(), missing, ready, DeliveryProviderStatus.READY, events);

    assertThat(reasons())
        .containsExactlyInAnyOrder("CredentialsFound", "SecretNotFound", "CredentialsFound");
    assertThat(client.v1().events().inNamespace("shop").list().getItems())
        .extracting(Event::getType)
        .containsExactlyInAnyOrder("Normal", "Warning", "Normal");
  }

  @Test
  void topicsAndObjectsAreAnnouncedApart() {
    events.transition(
        provider(), "Ready", EventRecorder.Type.NORMAL, "CircuitClosed", "every dispatcher sends");
    events.transition(
        provider(),
        "Available",
        EventRecorder.Type.NORMAL,
        "CircuitClosed",
        "every dispatcher sends");
    DeliveryProvider other = provider();
    other.getMetadata().setUid("uid-of-another");
    events.transition(
        other, "Ready", EventRecorder.Type.NORMAL, "CircuitClosed", "every dispatcher sends");

    assertThat(reasons()).hasSize(3);
  }

  private static DeliveryProviderStatus status(String ready, String reason, String message) {
    DeliveryProviderStatus s = new DeliveryProviderStatus();
    s.setCondition(DeliveryProviderStatus.READY, "True".equals(ready), reason, message);
    return s;
  }

  private static DeliveryProvider provider() {
    DeliveryProvider p = new DeliveryProvider();
    p.setMetadata(
        new ObjectMetaBuilder()
            .withName("sendgrid")
            .withNamespace("shop")
            .withUid("uid-of-sendgrid")
            .withResourceVersion("7")
            .build());
    return p;
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace("shop").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
