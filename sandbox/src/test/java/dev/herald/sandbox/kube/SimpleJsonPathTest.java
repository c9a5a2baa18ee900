package dev.herald.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimpleJsonPathTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final JsonNode OBJECT =
      read(
          """
      {"metadata": {"name": "n1", "creationTimestamp": "2026-11-25T10:00:00Z",
                    "labels": {"app.kubernetes.io/name": "herald"}},
       "spec": {"channels": ["email", "sms"], "weights": [1, 2, 3]},
       "status": {"phase": "Completed", "sent": 7,
                  "conditions": [{"type": "Scheduled", "status": "True"},
                                 {"type": "Ready", "status": "False", "reason": "Quota"}]}}
      """);

  @Test
  void selectsFields() {
    assertThat(first(".status.phase")).isEqualTo("Completed");
    assertThat(first("{.status.sent}")).isEqualTo("7");
    assertThat(first("$.metadata.name")).isEqualTo("n1");
    assertThat(first("status.phase")).isEqualTo("Completed");
    assertThat(first(".metadata.labels.app\\.kubernetes\\.io/name")).isEqualTo("herald");
    assertThat(first(".metadata.labels['app.kubernetes.io/name']")).isEqualTo("herald");
  }

  @Test
  void selectsArrayElements() {
    assertThat(first(".spec.channels[0]")).isEqualTo("email");
    assertThat(first(".spec.channels[-1]")).isEqualTo("sms");
    assertThat(SimpleJsonPath.parse(".spec.weights[*]").evaluate(OBJECT)).hasSize(3);
    assertThat(SimpleJsonPath.parse(".status.conditions[*].type").evaluate(OBJECT))
        .extracting(JsonNode::asText)
        .containsExactly("Scheduled", "Ready");
  }

  @Test
  void filtersArrays() {
    assertThat(first(".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("False");
    assertThat(first(".status.conditions[?(@.type=='Ready')].reason")).isEqualTo("Quota");
    assertThat(first(".status.conditions[?(@.type != \"Ready\")].type")).isEqualTo("Scheduled");
    assertThat(first(".status.conditions[?(@.reason)].type")).isEqualTo("Ready");
    assertThat(SimpleJsonPath.parse(".spec.weights[?(@ > 1)]").evaluate(OBJECT)).hasSize(2);
  }

  @Test
  void missingIsNothingNotAnError() {
    assertThat(SimpleJsonPath.parse(".status.failed").first(OBJECT)).isNull();
    assertThat(SimpleJsonPath.parse(".status.conditions[?(@.type==\"Gone\")].status").first(OBJECT))
        .isNull();
    assertThat(SimpleJsonPath.parse(".spec.channels[5]").first(OBJECT)).isNull();
    assertThat(SimpleJsonPath.parse(".status.phase.deeper").first(OBJECT)).isNull();
  }

  @Test
  void aUnionOfFieldsSelectsEachThatIsPresentInOrder() {
    // As kube-apiserver's JSONPath: a Campaign's Schedule column is .spec['schedule','startAt'].
    assertThat(first(".status['phase','sent']")).isEqualTo("Completed");
    assertThat(first(".status['missing', \"sent\"]")).isEqualTo("7");
    assertThat(SimpleJsonPath.parse(".status['sent','phase']").evaluate(OBJECT))
        .extracting(JsonNode::asText)
        .containsExactly("7", "Completed");
    assertThat(first(".status['gone','missing']")).isNull();
    assertThatThrownBy(() -> SimpleJsonPath.parse(".status['phase',1]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhatItDoesNotSupport() {
    assertThatThrownBy(() -> SimpleJsonPath.parse("..name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SimpleJsonPath.parse(".a[?(@.b ~ 1)]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String first(String path) {
    JsonNode n = SimpleJsonPath.parse(path).first(OBJECT);
    return n == null ? null : n.asText();
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
