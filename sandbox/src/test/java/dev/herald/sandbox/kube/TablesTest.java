package dev.herald.sandbox.kube;

import static dev.herald.sandbox.kube.SimpleJsonPathTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-25T10:05:12Z"), ZoneOffset.UTC);

  private static final List<CrdInfo.Column> COLUMNS =
      List.of(
          new CrdInfo.Column("Phase", "string", "", "phase", 0, ".status.phase"),
          new CrdInfo.Column("Sent", "integer", "", "sent", 0, ".status.sent"),
          new CrdInfo.Column(
              "Ready", "string", "", "ready", 0, ".status.conditions[?(@.type==\"Ready\")].status"),
          new CrdInfo.Column("Rate", "number", "", "rate", 1, ".status.rate"),
          new CrdInfo.Column("Paused", "boolean", "", "paused", 1, ".spec.paused"),
          new CrdInfo.Column("Channels", "string", "", "channels", 1, ".spec.channels"),
          new CrdInfo.Column("Age", "date", "", "age", 0, ".metadata.creationTimestamp"));

  private static final JsonNode LIST =
      read(
          """
      {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "42"},
       "items": [
         {"metadata": {"name": "a", "namespace": "default", "creationTimestamp": "2026-11-25T10:00:00Z"},
          "spec": {"paused": true, "channels": ["email", "sms"]},
          "status": {"phase": "Completed", "sent": 3, "rate": 1.5,
                     "conditions": [{"type": "Ready", "status": "True"}]}},
         {"metadata": {"name": "b", "namespace": "team", "creationTimestamp": "2026-11-25T10:05:00Z"},
          "status": {"sent": "many"}}]}
      """);

  @Test
  void buildsATableFromThePrinterColumns() {
    JsonNode table = Tables.forCrd(COLUMNS, NOW).table(LIST, Tables.IncludeObject.METADATA, false);

    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Phase", "Sent", "Ready", "Rate", "Paused", "Channels", "Age");
    assertThat(table.path("columnDefinitions").get(0).path("format").asText()).isEqualTo("name");
    assertThat(table.path("columnDefinitions").get(4).path("priority").asInt()).isEqualTo(1);

    JsonNode a = table.path("rows").get(0);
    assertThat(a.path("cells").toString())
        .isEqualTo(
            read("""
        ["a", "Completed", 3, "True", 1.5, true, "[\\"email\\",\\"sms\\"]", "5m12s"]
        """)
                .toString());
    assertThat(a.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(a.path("object").path("metadata").path("namespace").asText()).isEqualTo("default");
    assertThat(a.path("object").has("spec")).isFalse();

    JsonNode b = table.path("rows").get(1);
    assertThat(b.path("cells"))
        .isEqualTo(
            read(
                """
        ["b", null, null, null, null, null, null, "12s"]
        """));
  }

  @Test
  void aSingleObjectIsOneRowAndHeadersCanBeLeftOut() {
    JsonNode object = LIST.path("items").get(0);
    JsonNode table =
        Tables.forCrd(List.of(CrdInfo.DEFAULT_AGE), NOW)
            .table(object, Tables.IncludeObject.NONE, true);
    assertThat(table.path("columnDefinitions")).isEmpty();
    assertThat(table.path("rows")).hasSize(1);
    assertThat(table.path("rows").get(0).path("cells")).isEqualTo(read("[\"a\", \"5m12s\"]"));
    assertThat(table.path("rows").get(0).has("object")).isFalse();

    JsonNode full = Tables.forCrd(List.of(), NOW).table(object, Tables.IncludeObject.OBJECT, false);
    assertThat(full.path("rows").get(0).path("object")).isEqualTo(object);
  }
}
