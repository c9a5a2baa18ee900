package dev.herald.operator.campaign;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.core.config.RetentionSettings;
import dev.herald.operator.StatusUpdates;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.notification.TemplateCatalog;
import dev.herald.operator.validation.FieldError;
import dev.herald.operator.validation.SchemaValidator;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Campaign: its {@code Valid} condition — the schema first (as the API server would have checked
 * it), then what only a cron library and the tz database can say (a schedule that never fires, an
 * unknown zone, a time of day or a window that does not read), each problem naming its field; a
 * Campaign that is not valid starts no run. A valid one's runs are started, followed and ended by
 * {@link CampaignRunner}. Deleting a Campaign stops its runs: what was not handed to a provider is
 * cancelled.
 */
@ControllerConfiguration(name = "campaign")
public final class CampaignReconciler implements Reconciler<Campaign>, Cleaner<Campaign> {
  private static final Duration CATALOG_WAIT = Duration.ofSeconds(1);

  private final SchemaValidator schema;
  private final EventRecorder events;
  private final CampaignRunner runner;
  private final TemplateCatalog catalog;
  private final RetentionSettings retention;

  /** Validation only: no run is started (a check of specs, and tests of it). */
  public CampaignReconciler(SchemaValidator schema, EventRecorder events) {
    this(schema, events, null, null, RetentionSettings.defaults());
  }

  /**
   * @param retention how long delivery rows are kept: a frequency cap's window cannot be longer,
   *     since sends are counted from them
   */
  public CampaignReconciler(
      SchemaValidator schema,
      EventRecorder events,
      CampaignRunner runner,
      TemplateCatalog catalog,
      RetentionSettings retention) {
    this.retention = retention;
    this.schema = schema;
    this.events = events;
    this.runner = runner;
    this.catalog = catalog;
  }

  @Override
  public UpdateControl<Campaign> reconcile(Campaign resource, Context<Campaign> context) {
    CampaignStatus before =
        resource.getStatus() == null ? new CampaignStatus() : resource.getStatus();
    CampaignStatus status = copyOf(before);
    status.setObservedGeneration(resource.getMetadata().getGeneration());

    List<FieldError> errors =
        schema.validate(resource.getSpec() == null ? null : resource.getSpec().source());
    boolean valid = false;
    if (!errors.isEmpty()) {
      status.setCondition(
          CampaignStatus.VALID, false, ConditionReasons.INVALID_SPEC, summary(errors));
    } else {
      List<FieldError> problems = CampaignCheck.problems(resource.getSpec(), retention.period());
      if (problems.isEmpty()) {
        valid = true;
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
    if (!valid || runner == null) {
      return StatusUpdates.finish(resource, before, status, CampaignStatus.VALID, events);
    }
    if (catalog != null && !catalog.synced()) {
      return StatusUpdates.finish(resource, before, status, CampaignStatus.VALID, events)
          .rescheduleAfter(CATALOG_WAIT);
    }
    Duration next = runner.reconcile(resource, status);
    return StatusUpdates.finish(
            resource,
            before,
            status,
            List.of(CampaignStatus.VALID, CampaignStatus.SCHEDULED),
            events)
        .rescheduleAfter(next);
  }

  @Override
  public DeleteControl cleanup(Campaign resource, Context<Campaign> context) {
    if (runner != null) {
      runner.stopAll(resource, "the Campaign was deleted");
    }
    return DeleteControl.defaultDelete();
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
