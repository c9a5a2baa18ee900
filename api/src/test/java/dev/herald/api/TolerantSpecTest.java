package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.notification.Notification;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** A spec the API server did not validate must still be readable, so the operator can report it. */
class TolerantSpecTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void unknownFieldsAndWrongTypesAreReadWithoutFailingAndTheSourceIsKept() {
    String yaml =
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: broken, namespace: t}
        spec:
          template: welcome
          recipients: "not-a-list"
          channels: [email, carrier-pigeon]
          priority: 7
          colour: blue
        """;
    Notification n = serialization.unmarshal(yaml, Notification.class);

    assertThat(n.getSpec().getTemplate()).isEqualTo("welcome");
    assertThat(n.getSpec().getPriority()).isNull();
    assertThat(n.getSpec().getChannels()).containsExactly(Channel.EMAIL, null);
    assertThat(n.getSpec().source().get("colour").asText()).isEqualTo("blue");
    assertThat(n.getSpec().source().get("recipients").isTextual()).isTrue();
  }

  @Test
  void aValidSpecRoundTrips() {
    String yaml =
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: ok, namespace: t}
        spec:
          template: welcome
          recipients: [{email: a@example.com}, {user: u1}]
          channels: [email]
          priority: high
          data: {name: Ada, items: [1, 2]}
        """;
    Notification n = serialization.unmarshal(yaml, Notification.class);

    assertThat(n.getSpec().getRecipients()).hasSize(2);
    assertThat(n.getSpec().getPriority()).isEqualTo(Priority.HIGH);
    assertThat(n.getSpec().getData().get("items").size()).isEqualTo(2);
    String back = serialization.asJson(n);
    assertThat(back).contains("\"priority\":\"high\"").doesNotContain("source");
  }
}
