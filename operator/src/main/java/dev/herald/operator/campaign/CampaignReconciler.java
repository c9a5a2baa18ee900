package dev.herald.operator.campaign;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.status.ConditionReasons;
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
 * A Campaign's {@code Valid} condition: the schema first (as the API server would have checked it),
 * then what only a cron library and the tz database can say — a schedule that never fires, an
 * unknown zone, a time of day or a window that does not read. Each problem names its field; a
 * Campaign that is not valid sends nothing.
 */
@ControllerConfiguration(name = "campaign")
public final class CampaignReconciler implements Reconciler<Campaign> {
  private final SchemaValidator schema;
  private final EventRecorder events;

  public CampaignReconciler(SchemaValidator schema, EventRecorder events) {
    this.schema = schema;
    this.events = events;
  }

  @Override
  public UpdateControl<Campaign> reconcile(Campaign resource, Context<Campaign> context) {
    CampaignStatus before =
        resource.getStatus() == null ? new CampaignStatus() : resource.getStatus();
    CampaignStatus status = copyOf(before);
    status.setObservedGeneration(resource.getMetadata().getGeneration());

    List<FieldError> errors =
        schema.validate(resource.getSpec() == null ? null : resource.getSpec().source());
    if (!errors.isEmpty()) {
      status.setCondition(
          CampaignStatus.VALID, false, ConditionReasons.INVALID_SPEC, summary(errors));
    } else {
      List<FieldError> problems = CampaignCheck.problems(resource.getSpec());
      if (problems.isEmpty()) {
        status.setCondition(
            CampaignStatus.VALID,
            true,
            ConditionReasons.SCHEDULE_VALID,
            "the schedule, time zone and times of day can all work");
      } else {
        status.setCondition(
            CampaignStatus.VALID, false, ConditionReasons.INVALID_SCHEDULE, summary(problems));
      }
    }
    return StatusUpdates.finish(resource, before, status, CampaignStatus.VALID, events);
  }

  private static String summary(List<FieldError> errors) {
    return errors.stream().limit(5).map(FieldError::toString).collect(Collectors.joining("; "));
  }

  /** The status as it was, so that fields this reconciler does not own are kept. */
  private static CampaignStatus copyOf(CampaignStatus before) {
    CampaignStatus status = new CampaignStatus();
    status.setConditions(before.getConditions());
    status.setLastScheduleTime(before.getLastScheduleTime());
    status.setNextScheduleTime(before.getNextScheduleTime());
    status.setLastSuccessfulTime(before.getLastSuccessfulTime());
    status.setProgress(before.getProgress());
    status.setActive(before.getActive());
    status.setRecentRuns(before.getRecentRuns());
    return status;
  }
}
