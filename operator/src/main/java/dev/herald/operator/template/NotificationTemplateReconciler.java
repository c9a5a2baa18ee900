package dev.herald.operator.template;

import dev.herald.api.Channel;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateStatus;
import dev.herald.core.template.TemplateContent;
import dev.herald.core.template.TemplateException;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.StatusUpdates;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.validation.FieldError;
import dev.herald.operator.validation.SchemaValidator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles every template of a NotificationTemplate and reports the first error and its position.
 */
@ControllerConfiguration(name = "notificationtemplate")
public final class NotificationTemplateReconciler implements Reconciler<NotificationTemplate> {
  private final SchemaValidator schema;
  private final TemplateRenderer renderer;
  private final EventRecorder events;

  public NotificationTemplateReconciler(
      SchemaValidator schema, TemplateRenderer renderer, EventRecorder events) {
    this.schema = schema;
    this.renderer = renderer;
    this.events = events;
  }

  @Override
  public UpdateControl<NotificationTemplate> reconcile(
      NotificationTemplate resource, Context<NotificationTemplate> context) {
    NotificationTemplateStatus before =
        resource.getStatus() == null ? new NotificationTemplateStatus() : resource.getStatus();
    NotificationTemplateStatus status = new NotificationTemplateStatus();
    status.setConditions(before.getConditions());
    status.setObservedGeneration(resource.getMetadata().getGeneration());

    List<FieldError> errors =
        schema.validate(resource.getSpec() == null ? null : resource.getSpec().source());
    if (!errors.isEmpty()) {
      status.setCondition(
          NotificationTemplateStatus.VALID,
          false,
          ConditionReasons.INVALID_SPEC,
          errors.stream().limit(5).map(FieldError::toString).collect(Collectors.joining("; ")));
    } else {
      TemplateContent content = TemplateContent.of(resource.getSpec());
      status.setChannels(
          content.channels().stream().map(Channel::wireName).collect(Collectors.joining(",")));
      List<TemplateException> problems = renderer.check(content);
      if (problems.isEmpty()) {
        status.setCondition(
            NotificationTemplateStatus.VALID,
            true,
            ConditionReasons.COMPILED,
            "all templates compile");
      } else {
        status.setCondition(
            NotificationTemplateStatus.VALID,
            false,
            ConditionReasons.TEMPLATE_SYNTAX_ERROR,
            problems.stream().map(TemplateException::getMessage).collect(Collectors.joining("; ")));
      }
    }
    return StatusUpdates.finish(resource, before, status, NotificationTemplateStatus.VALID, events);
  }
}
