package dev.herald.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.operator.campaign.CampaignReconciler;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples as GitOps applies them: the kustomization lists every manifest, and every Campaign
 * is one the operator finds valid (a schedule that fires, zones that exist).
 */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  private static List<String> manifests() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.startsWith("kustomization."))
          .sorted()
          .toList();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theKustomizationListsEveryManifest() throws IOException {
    Map<String, Object> kustomization =
        new KubernetesSerialization()
            .unmarshal(Files.readString(EXAMPLES.resolve("kustomization.yaml")), Map.class);
    assertThat((List<String>) kustomization.get("resources"))
        .containsExactlyElementsOf(manifests());
  }

  @Test
  void everyCampaignExampleIsValid() throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    serialization.registerKubernetesResource(Campaign.class);
    List<Campaign> campaigns = new ArrayList<>();
    for (String name : manifests()) {
      for (String doc : Files.readString(EXAMPLES.resolve(name)).split("(?m)^---$")) {
        if (doc.contains("kind: Campaign")) {
          HasMetadata r = serialization.unmarshal(doc, HasMetadata.class);
          campaigns.add((Campaign) r);
        }
      }
    }
    assertThat(campaigns).hasSizeGreaterThanOrEqualTo(2);
    CampaignReconciler check =
        new CampaignReconciler(
            SchemaValidator.forResource(Campaign.class), new EventRecorder(e -> true));
    for (Campaign c : campaigns) {
      Campaign checked =
          check
              .reconcile(c, null) // validation reads nothing from the context
              .getResource()
              .orElseThrow();
      assertThat(checked.getStatus().condition(CampaignStatus.VALID).orElseThrow().getStatus())
          .as("%s: %s", c.getMetadata().getName(), checked.getStatus().getConditions())
          .isEqualTo("True");
    }
  }
}
