package dev.herald.operator.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateStatus;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.InMemoryContext;
import dev.herald.operator.RecordedEvents;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

/**
 * A NotificationTemplate's Valid condition: every template compiles, or the first error says where.
 */
class NotificationTemplateReconcilerTest {
  private final RecordedEvents events = new RecordedEvents();
  private final NotificationTemplateReconciler reconciler =
      new NotificationTemplateReconciler(
          SchemaValidator.forResource(NotificationTemplate.class),
          new TemplateRenderer(),
          events.recorder());

  private NotificationTemplateStatus reconcile(String spec) {
    NotificationTemplate template =
        Resources.template(
            """
        apiVersion: herald.dev/v1alpha1
        kind: NotificationTemplate
        metadata: {name: t, namespace: shop, generation: 2}
        spec:
        """
                + spec.indent(2));
    return reconciler
        .reconcile(template, new InMemoryContext<>(template))
        .getResource()
        .orElseThrow()
        .getStatus();
  }

  @Test
  void aTemplateThatCompilesIsValidAndListsItsChannels() {
    NotificationTemplateStatus status =
        reconcile(
            """
        email: {subject: "Hi {{ name }}", text: "Hello"}
        sms: {body: "Hi {{ name }}"}
        """);

    Condition valid = status.condition(NotificationTemplateStatus.VALID).orElseThrow();
    assertThat(valid.getStatus()).isEqualTo("True");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.COMPILED);
    assertThat(status.getChannels()).isEqualTo("email,sms");
    assertThat(status.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void aSyntaxErrorIsNotValidAndNamesTheFieldInTheConditionAndAWarningEvent() {
    NotificationTemplateStatus status =
        reconcile(
            """
        email: {subject: "Hi {{ name ", text: "Hello"}
        """);

    Condition valid = status.condition(NotificationTemplateStatus.VALID).orElseThrow();
    assertThat(valid.getStatus()).isEqualTo("False");
    assertThat(valid.getReason()).isEqualTo(ConditionReasons.TEMPLATE_SYNTAX_ERROR);
    assertThat(valid.getMessage()).contains("email.subject");
    assertThat(events.shown())
        .singleElement()
        .asString()
        .startsWith("Warning " + ConditionReasons.TEMPLATE_SYNTAX_ERROR + ": ")
        .contains("email.subject");
  }

  @Test
  void aSpecTheSchemaRefusesIsNotValidAndNamesTheField() {
    Condition valid =
        reconcile(
                """
        sms: {maxSegments: 3}
        """)
            .condition(NotificationTemplateStatus.VALID)
            .orElseThrow();

    assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(valid.getMessage()).contains("spec.sms.body");
  }
}
