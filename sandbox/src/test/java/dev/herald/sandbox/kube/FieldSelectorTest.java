package dev.herald.sandbox.kube;

import static dev.herald.sandbox.kube.SimpleJsonPathTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {
  private static final JsonNode EVENT =
      read(
          """
      {"metadata": {"name": "welcome.1f2e", "namespace": "shop"},
       "involvedObject": {"kind": "Notification", "name": "welcome", "namespace": "shop",
                          "uid": "0000-99"},
       "type": "Warning", "reason": "TemplateNotFound", "count": 2, "message": "a=b, c"}
      """);

  @Test
  void matchesWhatKubectlDescribeAsksFor() {
    assertThat(
            FieldSelector.parse(
                    "involvedObject.kind=Notification,involvedObject.uid=0000-99,"
                        + "involvedObject.name=welcome,involvedObject.namespace=shop")
                .matches(EVENT))
        .isTrue();
    assertThat(
            FieldSelector.parse("involvedObject.name=welcome,involvedObject.uid=other")
                .matches(EVENT))
        .isFalse();
  }

  @Test
  void readsEveryOperatorAndEscape() {
    assertThat(FieldSelector.parse("type==Warning").matches(EVENT)).isTrue();
    assertThat(FieldSelector.parse("type!=Normal").matches(EVENT)).isTrue();
    assertThat(FieldSelector.parse("type!=Warning").matches(EVENT)).isFalse();
    assertThat(FieldSelector.parse("count=2").matches(EVENT)).isTrue();
    assertThat(FieldSelector.parse("message=a\\=b\\, c").matches(EVENT)).isTrue();
    assertThat(FieldSelector.parse("related.name=").matches(EVENT)).isTrue(); // absent reads as ""
    assertThat(FieldSelector.parse(null).matches(EVENT)).isTrue();
    assertThat(FieldSelector.parse("").isEmpty()).isTrue();
  }

  @Test
  void namesTheObjectTheMockCanSelect() {
    assertThat(FieldSelector.parse("metadata.namespace=shop,metadata.name=w1").name())
        .hasValue("w1");
    assertThat(FieldSelector.parse("metadata.name!=w1").name()).isEmpty();
  }

  @Test
  void refusesATermWithoutAnOperator() {
    assertThatThrownBy(() -> FieldSelector.parse("type"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field=value");
  }
}
