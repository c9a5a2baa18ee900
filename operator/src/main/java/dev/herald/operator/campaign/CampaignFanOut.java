package dev.herald.operator.campaign;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.campaign.FrequencyCap;
import dev.herald.api.notification.Recipient;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.Durations;
import dev.herald.core.Json;
import dev.herald.core.campaign.AudienceQuery;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.core.schedule.QuietHours;
import dev.herald.core.schedule.RecipientLocalTime;
import dev.herald.core.schedule.TimeZones;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.CampaignRunStore.DueDelivery;
import dev.herald.core.store.CampaignRunStore.Run;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Pacing;
import dev.herald.core.store.Source;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.notification.AcceptRequest;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.RecipientResolver;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the deliveries of Campaign runs. What a reconciler calls:
 *
 * <ul>
 *   <li>{@link #start}: the run for (campaign, scheduled time, spec): its notification row (through
 *       {@link NotificationAcceptance}, the one acceptance path: template, channels, providers) and
 *       its {@code campaign_runs} row, once — a second call finds them;
 *   <li>{@link #fanOut}: writes the run's deliveries from its checkpoint to the end of its
 *       audience;
 *   <li>{@link #resumeUnfinished}: at operator start, fans out every run a stopped operator left
 *       unfinished;
 *   <li>{@link #counts}: the run's deliveries per channel and state, from counters (O(1) in the
 *       audience).
 * </ul>
 *
 * <p>A page is one transaction: lock the run row (a run another replica is paging is skipped), read
 * the next {@code pageSize} users of the audience after the checkpoint (locking them against
 * erasure), resolve them with {@link RecipientResolver} (addresses per channel, fallback, opt-outs
 * unless the template is critical, suppressions), compute each pending delivery's due time in its
 * recipient's zone ({@link RecipientLocalTime}: deliverAt, quiet hours), COPY the deliveries and
 * move the checkpoint to the page's last user. A process stopped anywhere leaves either the whole
 * page and its checkpoint or neither: no gap, no duplicate. One page is in memory at a time.
 */
public final class CampaignFanOut {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignFanOut.class);
  public static final int DEFAULT_PAGE_SIZE = 1000;

  /** Told after each page commits (progress, tests). */
  @FunctionalInterface
  public interface PageListener {
    void written(Run run, String checkpoint, int users, int deliveries);
  }

  /** How a {@link #fanOut} call ended. */
  public enum Outcome {
    /** Every page is written (now, or before this call). */
    FANNED_OUT,
    /** Another transaction holds the run: another replica is writing its pages. */
    BUSY,
    /** The run does not exist, or was cancelled. */
    NOT_FANNING_OUT
  }

  private final CampaignRunStore runs;
  private final NotificationStore notifications;
  private final RecipientResolver resolver;
  private final Runnable afterPage;
  private final int pageSize;
  private final PageListener listener;
  private final CampaignClock clock;

  /**
   * @param afterPage called after each page commits (wakes the relay, as acceptance does)
   */
  public CampaignFanOut(
      CampaignRunStore runs,
      NotificationStore notifications,
      RecipientResolver resolver,
      Runnable afterPage,
      int pageSize,
      PageListener listener) {
    this(runs, notifications, resolver, afterPage, pageSize, listener, CampaignClock.system());
  }

  /**
   * @param clock campaign time: due times are computed in it and written in real time
   */
  public CampaignFanOut(
      CampaignRunStore runs,
      NotificationStore notifications,
      RecipientResolver resolver,
      Runnable afterPage,
      int pageSize,
      PageListener listener,
      CampaignClock clock) {
    this.clock = clock;
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive");
    }
    this.runs = runs;
    this.notifications = notifications;
    this.resolver = resolver;
    this.afterPage = afterPage;
    this.pageSize = pageSize;
    this.listener = listener == null ? (r, c, u, d) -> {} : listener;
  }

  /**
   * The run of {@code campaign} for {@code scheduledFor}, with the spec it starts with: accepted as
   * a notification of source {@code campaign} (no deliveries yet) and recorded as a run, or found
   * as recorded before. Its deliveries are written by {@link #fanOut}.
   *
   * @throws ReconcileProblem as a Notification's acceptance would (template missing or invalid, a
   *     channel without content or provider)
   */
  public Run start(
      NotificationAcceptance acceptance,
      String tenant,
      String campaign,
      String campaignUid,
      Instant scheduledFor,
      CampaignSpec spec,
      NotificationTemplate template,
      List<DeliveryProvider> providers)
      throws ReconcileProblem {
    NotificationStore.Accepted accepted =
        acceptance.accept(
            new AcceptRequest(
                tenant,
                Source.CAMPAIGN,
                CampaignRunStore.sourceRef(campaign, campaignUid, scheduledFor),
                campaign,
                spec.getTemplate(),
                List.of(),
                spec.getChannels(),
                spec.getFallback() == null ? List.of() : spec.getFallback(),
                spec.getCategory() == null ? CampaignSpec.DEFAULT_CATEGORY : spec.getCategory(),
                spec.getPriority() == null ? dev.herald.api.Priority.BULK : spec.getPriority(),
                Json.MAPPER.valueToTree(spec.getData() == null ? Map.of() : spec.getData()),
                null,
                null,
                null),
            template,
            providers);
    return runs.create(
        accepted.notification(),
        campaign,
        campaignUid,
        scheduledFor,
        clock.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
        Json.write(spec),
        pacing(spec));
  }

  /** The run's throttle and frequency cap, as {@link CampaignCheck} found them valid. */
  static Pacing pacing(CampaignSpec spec) {
    FrequencyCap cap = spec.getFrequencyCap();
    return new Pacing(
        spec.getThrottle(),
        cap == null
            ? null
            : new Pacing.FrequencyCap(
                cap.getCount(), Durations.parse(cap.getWindow(), CampaignCheck.MAX_CAP_WINDOW)));
  }

  /** Fans out every run left unfinished; returns how many this call finished. */
  public int resumeUnfinished() {
    int finished = 0;
    for (Run run : runs.fanningOut()) {
      try {
        if (fanOut(run.id()) == Outcome.FANNED_OUT) {
          finished++;
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "campaign run {} of {}/{}: fan-out failed, it resumes from its checkpoint: {}",
            run.id(),
            run.tenant(),
            run.campaign(),
            e.toString());
      }
    }
    return finished;
  }

  /** Writes the run's remaining pages. */
  public Outcome fanOut(UUID runId) {
    Optional<Run> found = runs.find(runId);
    if (found.isEmpty()) {
      return Outcome.NOT_FANNING_OUT;
    }
    Run first = found.get();
    if (first.state() != CampaignRunStore.State.FANNING_OUT) {
      return first.state() == CampaignRunStore.State.CANCELLED
          ? Outcome.NOT_FANNING_OUT
          : Outcome.FANNED_OUT;
    }
    Plan plan = plan(first);
    boolean partitionEnsured = false;
    while (true) {
      PageResult page;
      try {
        page = runs.jdbi().inTransaction(h -> page(h, runId, plan));
      } catch (RuntimeException e) {
        // Maintenance creates partitions a week ahead; should the run's day be missing all the
        // same, create it and write the page again rather than fail the run.
        if (partitionEnsured || !CampaignRunStore.missingPartition(e)) {
          throw e;
        }
        runs.ensurePartition(first.notificationCreatedAt());
        partitionEnsured = true;
        continue;
      }
      switch (page.kind()) {
        case WRITTEN -> {
          afterPage.run();
          listener.written(page.run, page.checkpoint, page.users, page.deliveries);
        }
        case DONE -> {
          return Outcome.FANNED_OUT;
        }
        case BUSY -> {
          return Outcome.BUSY;
        }
        case STOPPED -> {
          return Outcome.NOT_FANNING_OUT;
        }
      }
    }
  }

  /** The run's deliveries per channel and state. */
  public DeliveryCounts counts(UUID runId) {
    return notifications.counts(runId);
  }

  /** What every page of a run needs, from the spec it started with. */
  private record Plan(
      AudienceQuery audience,
      List<Channel> channels,
      List<Channel> fallback,
      String category,
      boolean critical,
      RecipientLocalTime localTime) {}

  private Plan plan(Run run) {
    CampaignSpec spec = Json.read(run.spec(), CampaignSpec.class);
    boolean critical =
        notifications.content(run.notificationId()).map(c -> c.content().critical()).orElse(false);
    LocalTime deliverAt =
        spec.getDeliverAt() == null
            ? null
            : QuietHours.timeOfDay("spec.deliverAt", spec.getDeliverAt());
    QuietHours quiet =
        spec.getQuietHours() == null
            ? null
            : QuietHours.parse(spec.getQuietHours().getStart(), spec.getQuietHours().getEnd());
    return new Plan(
        AudienceQuery.of(spec.getAudience()),
        List.copyOf(spec.getChannels()),
        spec.getFallback() == null ? List.of() : List.copyOf(spec.getFallback()),
        spec.getCategory() == null ? CampaignSpec.DEFAULT_CATEGORY : spec.getCategory(),
        critical,
        new RecipientLocalTime(TimeZones.campaign(spec.getTimeZone()), deliverAt, quiet));
  }

  private enum PageKind {
    WRITTEN,
    DONE,
    BUSY,
    STOPPED
  }

  private record PageResult(PageKind kind, Run run, String checkpoint, int users, int deliveries) {
    static PageResult of(PageKind kind) {
      return new PageResult(kind, null, null, 0, 0);
    }
  }

  private PageResult page(org.jdbi.v3.core.Handle h, UUID runId, Plan plan) {
    Optional<Run> locked = runs.lockForPage(h, runId);
    if (locked.isEmpty()) {
      return PageResult.of(PageKind.BUSY);
    }
    Run run = locked.get();
    if (run.state() != CampaignRunStore.State.FANNING_OUT) {
      return PageResult.of(
          run.state() == CampaignRunStore.State.CANCELLED ? PageKind.STOPPED : PageKind.DONE);
    }
    if (run.cancelledAt() != null) {
      // its notification was cancelled (the API, or a Campaign stopped elsewhere): no more pages
      runs.cancelled(h, run.id());
      return PageResult.of(PageKind.STOPPED);
    }
    List<AudienceQuery.Member> members =
        plan.audience().page(h, run.tenant(), run.checkpoint(), pageSize, true);
    if (members.isEmpty()) {
      runs.fannedOut(h, run.id());
      return PageResult.of(PageKind.DONE);
    }
    Map<String, String> zones = new HashMap<>(members.size() * 2);
    List<Recipient> recipients = new ArrayList<>(members.size());
    for (AudienceQuery.Member m : members) {
      zones.put(m.userId(), m.timeZone());
      recipients.add(Recipient.user(m.userId()));
    }
    List<NewDelivery> resolved =
        resolver.resolve(
            run.tenant(),
            recipients,
            plan.channels(),
            plan.fallback(),
            plan.category(),
            plan.critical());
    List<DueDelivery> page = new ArrayList<>(resolved.size());
    for (NewDelivery d : resolved) {
      if (RecipientResolver.UNKNOWN_USER.equals(d.failureReason())) {
        continue; // erased since the page was read: not in the audience any more
      }
      // computed in campaign time from the time the run is for (a late run keeps its date), written
      // in real time
      Instant due =
          clock.toReal(
              d.state() == DeliveryState.PENDING
                  ? plan.localTime()
                      .due(run.scheduledFor(), run.startedAt(), zones.get(d.userId()))
                      .at()
                  : run.startedAt());
      page.add(new DueDelivery(d, due));
    }
    CampaignRunStore.copyDeliveries(h, run, page);
    String checkpoint = members.get(members.size() - 1).userId();
    runs.advance(h, run.id(), checkpoint, members.size(), page.size());
    return new PageResult(PageKind.WRITTEN, run, checkpoint, members.size(), page.size());
  }
}
