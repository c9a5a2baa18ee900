package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.campaign.Campaign;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A status written by someone else, of types no status class holds, must still let the resource be
 * read (an informer stops on the first object it cannot read): it reads as no status.
 */
class TolerantStatusTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private static JsonNode anyValue(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> JSON.textNode("x" + random.nextInt(100));
      case 1 -> JSON.numberNode(random.nextLong());
      case 2 -> JSON.booleanNode(random.nextBoolean());
      case 3 -> JSON.nullNode();
      case 4 -> JSON.numberNode(random.nextDouble() * 1e30);
      case 5 -> JSON.arrayNode().add(anyValue(random, depth + 1)).add(anyValue(random, depth + 1));
      default -> JSON.objectNode().set("k" + random.nextInt(3), anyValue(random, depth + 1));
    };
  }

  @Test
  void anyStatusShapeReadsWithoutFailing() {
    List<String> fields =
        List.of(
            "phase",
            "notificationId",
            "total",
            "sent",
            "channels",
            "conditions",
            "observedGeneration",
            "startTime",
            "secretVersion",
            "channel",
            "active",
            "recentRuns",
            "progress",
            "nextScheduleTime");
    Random random = new Random(8);
    for (Class<? extends CustomResource<?, ?>> type :
        List.of(
            Notification.class,
            NotificationTemplate.class,
            DeliveryProvider.class,
            Campaign.class)) {
      for (int i = 0; i < 300; i++) {
        ObjectNode status = JSON.objectNode();
        for (int f = random.nextInt(4); f >= 0; f--) {
          status.set(fields.get(random.nextInt(fields.size())), anyValue(random, 0));
        }
        ObjectNode resource =
            JSON.objectNode()
                .put("apiVersion", "herald.dev/v1alpha1")
                .put("kind", type.getSimpleName());
        resource.putObject("metadata").put("name", "r").put("namespace", "t");
        resource.set("status", random.nextInt(10) == 0 ? anyValue(random, 0) : status);
        String json = resource.toString();
        assertThatCode(() -> serialization.unmarshal(json, type))
            .as(json)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void anUnreadableStatusReadsAsNoneAndAReadableOneIsKept() {
    Notification broken =
        serialization.unmarshal(
            """
        {"apiVersion":"herald.dev/v1alpha1","kind":"Notification","metadata":{"name":"n","namespace":"t"},
         "spec":{"template":"t"},"status":{"phase":"Completed","total":"many"}}""",
            Notification.class);
    assertThat(broken.getStatus()).isNull();
    assertThat(broken.getSpec().getTemplate()).isEqualTo("t");

    Notification fine =
        serialization.unmarshal(
            """
        {"apiVersion":"herald.dev/v1alpha1","kind":"Notification","metadata":{"name":"n","namespace":"t"},
         "status":{"phase":"Completed","total":3,"conditions":[{"type":"Accepted","status":"True"}]}}""",
            Notification.class);
    assertThat(fine.getStatus().getTotal()).isEqualTo(3);
    assertThat(fine.getStatus().isTrue("Accepted")).isTrue();
  }
}
