package dev.herald.operator.campaign;

import dev.herald.api.DeliveryState;
import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignRun;
import dev.herald.api.campaign.CampaignRunPhase;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.core.schedule.ConcurrencyPolicy;
import dev.herald.core.schedule.MissedRuns;
import dev.herald.core.schedule.ScheduleDecision;
import dev.herald.core.schedule.ScheduleState;
import dev.herald.core.schedule.Trigger;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.CampaignRunStore.Run;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NotificationStore;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.TemplateCatalog;
import dev.herald.operator.validation.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a valid Campaign's reconcile does, apart from the loop: ends runs whose deliveries all
 * finished, stops runs when the Campaign is suspended (or deleted, {@link #stopAll}), decides with
 * {@link MissedRuns} whether a run is due and starts it ({@link CampaignFanOut#start}, then its
 * pages in the background), and writes what it found into the status. Runs live in Postgres; the
 * status is a view of them, so a lost status loses nothing (the last scheduled time is the later of
 * the status's and the newest run's).
 */
public final class CampaignRunner {
  /** How often a Campaign with a run under way is looked at again (its counts, its end). */
  static final Duration RUN_POLL = Duration.ofSeconds(2);

  /** How soon a due run that could not start (no template yet) is tried again. */
  static final Duration START_RETRY = Duration.ofSeconds(5);

  /**
   * How long an ended run's counts are still followed: provider calls that were under way when it
   * was stopped record their outcome after it ended.
   */
  static final Duration SETTLING = Duration.ofMinutes(1);

  /** The longest wait between two looks at a Campaign with nothing under way. */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final CampaignRunStore runs;
  private final NotificationStore notifications;
  private final CampaignFanOut fanOut;
  private final FanOutWorker worker;
  private final NotificationAcceptance acceptance;
  private final TemplateCatalog catalog;
  private final EventRecorder events;
  private final CampaignClock clock;
  private final CampaignRenderCheck renderCheck;

  public CampaignRunner(
      CampaignRunStore runs,
      NotificationStore notifications,
      CampaignFanOut fanOut,
      FanOutWorker worker,
      NotificationAcceptance acceptance,
      TemplateCatalog catalog,
      EventRecorder events,
      CampaignClock clock,
      CampaignRenderCheck renderCheck) {
    this.renderCheck = renderCheck;
    this.runs = runs;
    this.notifications = notifications;
    this.fanOut = fanOut;
    this.worker = worker;
    this.acceptance = acceptance;
    this.catalog = catalog;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Runs the Campaign's schedule one step and fills {@code status}; returns how long (real time)
   * until it should be looked at again.
   */
  public Duration reconcile(Campaign campaign, CampaignStatus status) {
    CampaignSpec spec = campaign.getSpec();
    String tenant = campaign.getMetadata().getNamespace();
    String uid = uid(campaign);
    Instant now = clock.now();

    List<Run> known = runs.runs(tenant, uid, endedKept(spec));
    boolean anyActive = false;
    for (Run run : known) {
      if (run.active()) {
        anyActive |= !endIfFinished(campaign, run);
      }
    }
    if (Boolean.TRUE.equals(spec.getSuspend()) && anyActive) {
      stopActive(campaign, "the Campaign is suspended");
      anyActive = false;
    }

    Instant lastScheduled = lastScheduled(status, tenant, uid);
    ScheduleDecision decision =
        MissedRuns.decide(
            new ScheduleState(
                Trigger.parse(spec.getSchedule(), spec.getTimeZone(), spec.getStartAt()),
                clock.fromReal(created(campaign)),
                lastScheduled,
                spec.getStartingDeadlineSeconds(),
                Boolean.TRUE.equals(spec.getSuspend()),
                policy(spec),
                anyActive),
            now);
    Duration retry = null;
    switch (decision) {
      case ScheduleDecision.Suspended s ->
          status.setCondition(
              CampaignStatus.SCHEDULED,
              false,
              ConditionReasons.SUSPENDED,
              "spec.suspend is true: no run starts");
      case ScheduleDecision.NotDue notDue -> scheduledCondition(status, notDue.wakeAt());
      case ScheduleDecision.WaitForActive wait ->
          status.setCondition(
              CampaignStatus.SCHEDULED,
              true,
              ConditionReasons.WAITING_FOR_ACTIVE_RUN,
              "the run for "
                  + seconds(wait.scheduledFor())
                  + " waits for the run under way (concurrencyPolicy Forbid)");
      case ScheduleDecision.Skip skip -> {
        status.setLastScheduleTime(seconds(skip.latestMissed()));
        events.warning(campaign, ConditionReasons.RUNS_SKIPPED, skip.reason());
        scheduledCondition(status, skip.wakeAt());
      }
      case ScheduleDecision.Replace replace -> {
        stopActive(campaign, "replaced by the run for " + seconds(replace.scheduledFor()));
        retry =
            start(
                campaign,
                status,
                replace.scheduledFor(),
                replace.late(),
                replace.skipped(),
                replace.tooManyMissed(),
                replace.wakeAt());
      }
      case ScheduleDecision.Start start ->
          retry =
              start(
                  campaign,
                  status,
                  start.scheduledFor(),
                  start.late(),
                  start.skipped(),
                  start.tooManyMissed(),
                  start.wakeAt());
    }
    status.setNextScheduleTime(decision.wakeAt().map(CampaignRunner::seconds).orElse(null));

    List<Run> current = runs.runs(tenant, uid, endedKept(spec));
    boolean underWay = report(status, spec, current);
    for (Run run : current) {
      if (run.state() == CampaignRunStore.State.FANNING_OUT) {
        worker
            .takeFailure(run.id())
            .ifPresent(
                e ->
                    events.warning(
                        campaign,
                        ConditionReasons.FAN_OUT_FAILED,
                        "writing the deliveries of the run for "
                            + seconds(run.scheduledFor())
                            + " failed ("
                            + e
                            + "); it goes on from user "
                            + (run.checkpoint() == null ? "(the first)" : run.checkpoint())));
        worker.submit(run.id());
      }
    }
    Duration next =
        decision.wakeAt().map(clock::realDelayUntil).orElse(MAX_WAIT).compareTo(MAX_WAIT) > 0
            ? MAX_WAIT
            : decision.wakeAt().map(clock::realDelayUntil).orElse(MAX_WAIT);
    if (underWay && next.compareTo(RUN_POLL) > 0) {
      next = RUN_POLL;
    }
    if (retry != null && next.compareTo(retry) > 0) {
      next = retry;
    }
    return next.isZero() ? Duration.ofMillis(100) : next;
  }

  /** Stops every run under way (the Campaign is being deleted); returns how many were stopped. */
  public int stopAll(Campaign campaign, String why) {
    return stopActive(campaign, why);
  }

  private Duration start(
      Campaign campaign,
      CampaignStatus status,
      Instant scheduledFor,
      Duration late,
      ScheduleDecision.Missed skipped,
      boolean tooManyMissed,
      Optional<Instant> wakeAt) {
    CampaignSpec spec = campaign.getSpec();
    String tenant = campaign.getMetadata().getNamespace();
    NotificationTemplate template = catalog.template(tenant, spec.getTemplate()).orElse(null);
    Run run;
    try {
      // The run is accepted with no recipients, so nothing else renders its template before its
      // deliveries do: a template that cannot render would fail every one of them.
      List<FieldError> render = template == null ? List.of() : renderCheck.problems(template, spec);
      if (!render.isEmpty()) {
        throw ReconcileProblem.waiting(
            ConditionReasons.RENDER_FAILED,
            render.stream()
                .limit(3)
                .map(FieldError::toString)
                .collect(java.util.stream.Collectors.joining("; ")));
      }
      run =
          fanOut.start(
              acceptance,
              tenant,
              campaign.getMetadata().getName(),
              uid(campaign),
              scheduledFor,
              spec,
              template,
              catalog.providers(tenant));
    } catch (ReconcileProblem problem) {
      // Not recorded as scheduled: once the template or provider is there (within the deadline,
      // if one is set) the same run starts.
      status.setCondition(
          CampaignStatus.SCHEDULED,
          false,
          problem.reason(),
          "the run for " + seconds(scheduledFor) + " cannot start: " + problem.getMessage());
      return START_RETRY;
    }
    String previous = status.getLastScheduleTime();
    status.setLastScheduleTime(seconds(scheduledFor));
    if (!seconds(scheduledFor).equals(previous)) {
      String lateBy =
          late.compareTo(Duration.ofMinutes(1)) >= 0 ? " (" + late.toMinutes() + " min late)" : "";
      events.normal(
          campaign,
          ConditionReasons.RUN_STARTED,
          "run " + run.id() + " for " + seconds(scheduledFor) + " started" + lateBy);
      if (skipped.count() > 0) {
        events.warning(
            campaign,
            ConditionReasons.RUNS_SKIPPED,
            skipped
                + " earlier scheduled run(s) were missed and are skipped: only the most recent one"
                + " starts, as a CronJob's does");
      }
      if (tooManyMissed) {
        events.warning(
            campaign, ConditionReasons.TOO_MANY_MISSED_TIMES, MissedRuns.TOO_MANY_MESSAGE);
      }
    }
    worker.submit(run.id());
    scheduledCondition(status, wakeAt);
    return null;
  }

  private void scheduledCondition(CampaignStatus status, Optional<Instant> wakeAt) {
    if (wakeAt.isPresent()) {
      status.setCondition(
          CampaignStatus.SCHEDULED,
          true,
          ConditionReasons.SCHEDULED,
          "the next run is at " + seconds(wakeAt.get()));
    } else {
      status.setCondition(
          CampaignStatus.SCHEDULED,
          true,
          ConditionReasons.NO_MORE_RUNS,
          "no further run is scheduled");
    }
  }

  /** Ends the run if every delivery is finished; returns whether it has ended. */
  private boolean endIfFinished(Campaign campaign, Run run) {
    if (run.state() != CampaignRunStore.State.SENDING) {
      return false;
    }
    DeliveryCounts counts = notifications.counts(run.id());
    if (counts.count(DeliveryState.IN_FLIGHT) > 0) {
      return false;
    }
    CampaignRunStore.State end =
        run.cancelledAt() != null
            ? CampaignRunStore.State.CANCELLED
            : CampaignRunStore.State.FINISHED;
    if (runs.end(run.id(), end)) {
      CampaignRunPhase phase = phase(end, counts);
      String message =
          "run "
              + run.id()
              + " for "
              + seconds(run.scheduledFor())
              + " ended "
              + phase
              + ": "
              + summary(counts);
      switch (phase) {
        case Completed -> events.normal(campaign, ConditionReasons.RUN_COMPLETED, message);
        case PartiallyFailed ->
            events.warning(campaign, ConditionReasons.RUN_PARTIALLY_FAILED, message);
        case Failed -> events.warning(campaign, ConditionReasons.RUN_FAILED, message);
        case Cancelled, Running -> events.normal(campaign, ConditionReasons.RUN_CANCELLED, message);
      }
    }
    return true;
  }

  private int stopActive(Campaign campaign, String why) {
    int stopped = 0;
    for (Run run :
        runs.runs(campaign.getMetadata().getNamespace(), uid(campaign), 1).stream()
            .filter(r -> r.active() || r.state() == CampaignRunStore.State.CANCELLED)
            .toList()) {
      boolean moved = runs.stop(run.id());
      NotificationStore.Cancellation c = notifications.cancel(run.notification());
      // a stop retried after its cancel failed has moved the run already: still say what it did
      if (moved || c.cancelled() + c.inFlight() > 0) {
        stopped++;
        events.normal(
            campaign,
            ConditionReasons.RUN_CANCELLED,
            "run "
                + run.id()
                + " for "
                + seconds(run.scheduledFor())
                + " stopped ("
                + why
                + "): "
                + (c.cancelled() + c.inFlight())
                + " unsent deliveries cancelled");
      }
    }
    return stopped;
  }

  /**
   * Fills the status's run fields; returns whether a run is under way or ended so recently that its
   * counts may still move.
   */
  private boolean report(CampaignStatus status, CampaignSpec spec, List<Run> current) {
    CampaignRun active = null;
    String progress = null;
    List<CampaignRun> recent = new ArrayList<>();
    int successful = 0;
    int failed = 0;
    String lastSuccessful = status.getLastSuccessfulTime();
    Instant lastSuccessfulAt = null;
    for (Run run : current) {
      DeliveryCounts counts = notifications.counts(run.id());
      if (run.active()) {
        if (active == null) {
          active = view(run, counts, CampaignRunPhase.Running);
          long total = run.total() != null ? run.total() : run.written();
          long finished = total - counts.count(DeliveryState.IN_FLIGHT);
          progress =
              Math.max(0, finished)
                  + "/"
                  + total
                  + (run.state() == CampaignRunStore.State.FANNING_OUT ? " (writing)" : "");
        }
        continue;
      }
      CampaignRunPhase phase = phase(run.state(), counts);
      boolean ok = phase == CampaignRunPhase.Completed || phase == CampaignRunPhase.PartiallyFailed;
      if (phase == CampaignRunPhase.Completed
          && run.finishedAt() != null
          && (lastSuccessfulAt == null || run.finishedAt().isAfter(lastSuccessfulAt))) {
        lastSuccessfulAt = run.finishedAt();
      }
      if (ok ? successful++ < successfulLimit(spec) : failed++ < failedLimit(spec)) {
        recent.add(view(run, counts, phase));
      }
    }
    if (lastSuccessfulAt != null) {
      lastSuccessful = seconds(lastSuccessfulAt);
    }
    status.setActive(active);
    status.setProgress(progress);
    status.setRecentRuns(recent);
    status.setLastSuccessfulTime(lastSuccessful);
    Instant settlingSince = Instant.now().minus(SETTLING); // finished_at is the database's time
    return active != null
        || current.stream()
            .anyMatch(r -> r.finishedAt() != null && r.finishedAt().isAfter(settlingSince));
  }

  private static CampaignRun view(Run run, DeliveryCounts counts, CampaignRunPhase phase) {
    CampaignRun view = new CampaignRun();
    view.setId(run.id().toString());
    view.setScheduledFor(seconds(run.scheduledFor()));
    view.setStartedAt(seconds(run.startedAt()));
    view.setFinishedAt(run.finishedAt() == null ? null : seconds(run.finishedAt()));
    view.setPhase(phase);
    view.setTotal(run.total() != null ? run.total() : run.written());
    view.setSent(counts.count(DeliveryState.REACHED_PROVIDER));
    view.setFailed(counts.count(DeliveryState.FAILED));
    view.setSuppressed(counts.count(DeliveryState.SUPPRESSED));
    view.setCancelled(counts.count(DeliveryState.CANCELLED));
    view.setPending(counts.count(DeliveryState.IN_FLIGHT));
    return view;
  }

  static CampaignRunPhase phase(CampaignRunStore.State state, DeliveryCounts counts) {
    return switch (state) {
      case FANNING_OUT, SENDING -> CampaignRunPhase.Running;
      case CANCELLED -> CampaignRunPhase.Cancelled;
      case FINISHED -> {
        long failed = counts.count(DeliveryState.FAILED);
        long total = counts.total();
        yield failed == 0
            ? CampaignRunPhase.Completed
            : failed == total ? CampaignRunPhase.Failed : CampaignRunPhase.PartiallyFailed;
      }
    };
  }

  private static String summary(DeliveryCounts counts) {
    return counts.count(DeliveryState.REACHED_PROVIDER)
        + " sent, "
        + counts.count(DeliveryState.FAILED)
        + " failed, "
        + counts.count(DeliveryState.SUPPRESSED)
        + " suppressed, "
        + counts.count(DeliveryState.CANCELLED)
        + " cancelled of "
        + counts.total();
  }

  private Instant lastScheduled(CampaignStatus status, String tenant, String uid) {
    Instant fromStatus = null;
    if (status.getLastScheduleTime() != null) {
      try {
        fromStatus = Instant.parse(status.getLastScheduleTime());
      } catch (java.time.format.DateTimeParseException e) {
        fromStatus = null; // a status edited by hand: the runs in Postgres say
      }
    }
    Instant fromRuns = runs.lastScheduled(tenant, uid).orElse(null);
    if (fromStatus == null) {
      return fromRuns;
    }
    return fromRuns == null || fromStatus.isAfter(fromRuns) ? fromStatus : fromRuns;
  }

  private static int endedKept(CampaignSpec spec) {
    // ended runs read back: enough to fill both limits whatever their phases
    return successfulLimit(spec) + failedLimit(spec);
  }

  private static int successfulLimit(CampaignSpec spec) {
    return spec.getSuccessfulRunsHistoryLimit() == null
        ? CampaignSpec.DEFAULT_SUCCESSFUL_RUNS_HISTORY_LIMIT
        : spec.getSuccessfulRunsHistoryLimit();
  }

  private static int failedLimit(CampaignSpec spec) {
    return spec.getFailedRunsHistoryLimit() == null
        ? CampaignSpec.DEFAULT_FAILED_RUNS_HISTORY_LIMIT
        : spec.getFailedRunsHistoryLimit();
  }

  private static ConcurrencyPolicy policy(CampaignSpec spec) {
    return spec.getConcurrencyPolicy() == null
        ? ConcurrencyPolicy.FORBID
        : switch (spec.getConcurrencyPolicy()) {
          case Allow -> ConcurrencyPolicy.ALLOW;
          case Forbid -> ConcurrencyPolicy.FORBID;
          case Replace -> ConcurrencyPolicy.REPLACE;
        };
  }

  static String uid(Campaign campaign) {
    String uid = campaign.getMetadata().getUid();
    return uid == null ? campaign.getMetadata().getName() : uid;
  }

  private static Instant created(Campaign campaign) {
    String ts = campaign.getMetadata().getCreationTimestamp();
    if (ts == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(ts);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.now();
    }
  }

  static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
