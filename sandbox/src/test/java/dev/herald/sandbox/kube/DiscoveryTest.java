package dev.herald.sandbox.kube;

import static dev.herald.sandbox.kube.SimpleJsonPathTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
  private static final CrdInfo WIDGETS =
      CrdInfo.from(
              read(
                  """
      {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "widgets.example.dev"},
       "spec": {"group": "example.dev", "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                          "shortNames": ["wd"], "categories": ["examples", "all"]},
                "versions": [
                  {"name": "v1alpha1", "served": true, "storage": false},
                  {"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                   "additionalPrinterColumns": [{"name": "Phase", "type": "string", "jsonPath": ".status.phase"}]},
                  {"name": "v2beta1", "served": false, "storage": false}]}}
      """))
          .orElseThrow();

  private final Discovery discovery = new Discovery("127.0.0.1:1234");

  @Test
  void describesCustomResources() {
    JsonNode list = discovery.resources("example.dev", "v1", List.of(WIDGETS)).orElseThrow();
    assertThat(list.path("groupVersion").asText()).isEqualTo("example.dev/v1");
    JsonNode widgets = list.path("resources").get(0);
    assertThat(widgets.path("name").asText()).isEqualTo("widgets");
    assertThat(widgets.path("singularName").asText()).isEqualTo("widget");
    assertThat(widgets.path("kind").asText()).isEqualTo("Widget");
    assertThat(widgets.path("namespaced").asBoolean()).isTrue();
    assertThat(widgets.path("shortNames")).isEqualTo(read("[\"wd\"]"));
    assertThat(widgets.path("categories")).isEqualTo(read("[\"examples\", \"all\"]"));
    assertThat(widgets.path("verbs").toString()).contains("\"list\"", "\"watch\"", "\"patch\"");
    assertThat(list.path("resources").get(1).path("name").asText()).isEqualTo("widgets/status");

    assertThat(
            discovery
                .resources("example.dev", "v1alpha1", List.of(WIDGETS))
                .orElseThrow()
                .path("resources"))
        .hasSize(1);
    assertThat(discovery.resources("example.dev", "v2beta1", List.of(WIDGETS))).isEmpty();
    assertThat(discovery.resources("example.dev", "v3", List.of(WIDGETS))).isEmpty();
  }

  @Test
  void prefersTheMostStableVersion() {
    JsonNode group = discovery.group("example.dev", List.of(WIDGETS)).orElseThrow();
    assertThat(group.path("preferredVersion").path("version").asText()).isEqualTo("v1");
    assertThat(group.path("versions").findValuesAsText("version"))
        .containsExactly("v1", "v1alpha1");

    List<String> versions =
        new ArrayList<>(
            List.of(
                "v1alpha1",
                "v11alpha2",
                "v1beta1",
                "v2",
                "v10beta3",
                "foo1",
                "v1",
                "v3beta1",
                "v1beta2"));
    versions.sort(Discovery.VERSION_PRIORITY);
    assertThat(versions)
        .containsExactly(
            "v2",
            "v1",
            "v10beta3",
            "v3beta1",
            "v1beta2",
            "v1beta1",
            "v11alpha2",
            "v1alpha1",
            "foo1");
  }

  @Test
  void listsBuiltInAndCustomGroups() {
    JsonNode groups = discovery.groups(List.of(WIDGETS));
    assertThat(groups.path("groups").findValuesAsText("name"))
        .contains("apps", "apiextensions.k8s.io", "coordination.k8s.io", "example.dev");
    assertThat(discovery.coreVersions().path("versions")).isEqualTo(read("[\"v1\"]"));
    assertThat(
            discovery
                .resources("", "v1", List.of())
                .orElseThrow()
                .path("resources")
                .findValuesAsText("name"))
        .contains("configmaps", "secrets", "namespaces", "pods");
  }
}
