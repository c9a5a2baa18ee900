package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.instant;
import static dev.herald.core.store.NotificationStore.ts;

import dev.herald.api.Priority;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;

/**
 * Runs of Campaigns ({@code campaign_runs}): each is one notification row (source {@code campaign})
 * whose deliveries are written a page of the audience at a time, each page with the checkpoint
 * after it in one transaction ({@link #copyDeliveries}, {@link #advance}).
 */
public final class CampaignRunStore {
  private final Jdbi jdbi;

  public CampaignRunStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** Where a run stands. */
  public enum State {
    /** Its deliveries are being written, page by page. */
    FANNING_OUT,
    /** Every delivery is written; some are not finished. */
    SENDING,
    /** Every delivery finished. */
    FINISHED,
    /** Stopped (replaced, or its Campaign deleted). */
    CANCELLED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static State fromWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * A run and what its fan-out needs of its notification row.
   *
   * @param checkpoint the last user id whose deliveries are written; null before the first page
   * @param usersWritten users of the audience whose deliveries are written
   * @param written deliveries written
   * @param total deliveries of the run, once fanned out (null before)
   */
  public record Run(
      UUID id,
      String tenant,
      String campaign,
      String campaignUid,
      Instant scheduledFor,
      Instant startedAt,
      Instant fannedOutAt,
      Instant finishedAt,
      State state,
      String spec,
      UUID notificationId,
      Instant notificationCreatedAt,
      Priority priority,
      Instant expiresAt,
      String checkpoint,
      long usersWritten,
      long written,
      Long total,
      Instant cancelledAt) {

    /** Whether the run is still going: its deliveries are being written or sent. */
    public boolean active() {
      return state == State.FANNING_OUT || state == State.SENDING;
    }

    public NotificationRecord notification() {
      return new NotificationRecord(
          notificationId, tenant, notificationCreatedAt, null, expiresAt, null);
    }
  }

  /**
   * The notification {@code source_ref} of a campaign's run for a scheduled time: one notification
   * per (campaign, scheduled time).
   */
  public static String sourceRef(String campaign, String campaignUid, Instant scheduledFor) {
    return campaign + "@" + scheduledFor + "#" + campaignUid;
  }

  private static final String COLUMNS =
      """
      r.id, r.tenant, r.campaign, r.campaign_uid, r.scheduled_for, r.started_at, r.fanned_out_at, r.finished_at,
      r.state, r.spec::text as spec, r.notification_id, n.created_at as n_created_at, n.priority,
      n.expires_at, r.checkpoint, r.users_written, r.written, r.total,
      n.cancelled_at""";

  private static final String FROM =
      " from campaign_runs r join notifications n on n.id = r.notification_id ";

  /**
   * Records the run of {@code notification} (already written, source {@code campaign}, with no
   * deliveries), with its throttle and frequency cap, or finds the one recorded before for the same
   * campaign and scheduled time: calling it again after a crash writes nothing twice.
   */
  public Run create(
      NotificationRecord notification,
      String campaign,
      String campaignUid,
      Instant scheduledFor,
      Instant startedAt,
      String specJson,
      Pacing pacing) {
    return jdbi.inTransaction(
        h -> {
          if (!pacing.isNone()) {
            h.createUpdate(
                    """
                insert into notification_pacing (notification_id, per_second, cap_count, cap_window)
                values (:id, cast(:perSecond as integer), cast(:capCount as integer),
                  make_interval(secs => cast(:capSeconds as double precision)))
                on conflict do nothing""")
                .bind("id", notification.id())
                .bind("perSecond", pacing.perSecond())
                .bind("capCount", pacing.cap() == null ? null : pacing.cap().count())
                .bind(
                    "capSeconds",
                    pacing.cap() == null ? null : (Long) pacing.cap().window().toSeconds())
                .execute();
          }
          h.createUpdate(
                  """
              insert into campaign_runs (id, tenant, campaign, campaign_uid, scheduled_for, started_at,
                state, spec, notification_id)
              values (:id, :tenant, :campaign, :campaignUid, :scheduledFor, :startedAt, 'fanning_out',
                cast(:spec as jsonb), :id)
              on conflict do nothing""")
              .bind("id", notification.id())
              .bind("tenant", notification.tenant())
              .bind("campaign", campaign)
              .bind("campaignUid", campaignUid)
              .bind("scheduledFor", ts(scheduledFor))
              .bind("startedAt", ts(startedAt))
              .bind("spec", specJson)
              .execute();
          return h.createQuery(
                  "select "
                      + COLUMNS
                      + FROM
                      + "where r.tenant = :tenant and r.campaign_uid = :campaignUid and r.scheduled_for = :scheduledFor")
              .bind("tenant", notification.tenant())
              .bind("campaignUid", campaignUid)
              .bind("scheduledFor", ts(scheduledFor))
              .map((rs, ctx) -> run(rs))
              .one();
        });
  }

  public Optional<Run> find(UUID id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("select " + COLUMNS + FROM + "where r.id = :id")
                .bind("id", id)
                .map((rs, ctx) -> run(rs))
                .findOne());
  }

  /**
   * A campaign's runs (the Campaign object with this uid), newest scheduled time first: every
   * active one and at most {@code ended} of those that ended.
   */
  public List<Run> runs(String tenant, String campaignUid, int ended) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "(select "
                        + COLUMNS
                        + FROM
                        + "where r.tenant = :tenant and r.campaign_uid = :campaignUid"
                        + " and r.state in ('fanning_out', 'sending'))"
                        + " union all (select "
                        + COLUMNS
                        + FROM
                        + "where r.tenant = :tenant and r.campaign_uid = :campaignUid"
                        + " and r.state in ('finished', 'cancelled')"
                        + " order by r.scheduled_for desc limit :ended)"
                        + " order by scheduled_for desc")
                .bind("tenant", tenant)
                .bind("campaignUid", campaignUid)
                .bind("ended", ended)
                .map((rs, ctx) -> run(rs))
                .list());
  }

  /** Runs whose fan-out has not finished (an operator that stopped mid-way left them so). */
  public List<Run> fanningOut() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "select "
                        + COLUMNS
                        + FROM
                        + "where r.state = 'fanning_out' order by r.started_at")
                .map((rs, ctx) -> run(rs))
                .list());
  }

  /**
   * The run, locked until the transaction ends, for writing its next page; empty when another
   * transaction holds it (another replica is writing a page of it) or it does not exist. Its
   * notification row is locked too, so that a cancel of the notification waits for the page and
   * then cancels its deliveries with the rest.
   */
  public Optional<Run> lockForPage(Handle h, UUID id) {
    return h.createQuery(
            "select " + COLUMNS + FROM + "where r.id = :id for update of r, n skip locked")
        .bind("id", id)
        .map((rs, ctx) -> run(rs))
        .findOne();
  }

  /** Moves a run's checkpoint past a page, in the transaction that wrote the page's deliveries. */
  public void advance(Handle h, UUID id, String checkpoint, int users, int deliveries) {
    int updated =
        h.createUpdate(
                """
            update campaign_runs set checkpoint = :checkpoint, users_written = users_written + :users,
              written = written + :deliveries
            where id = :id and state = 'fanning_out' and (checkpoint is null or checkpoint < :checkpoint)""")
            .bind("id", id)
            .bind("checkpoint", checkpoint)
            .bind("users", users)
            .bind("deliveries", deliveries)
            .execute();
    if (updated != 1) {
      throw new IllegalStateException(
          "campaign run " + id + " is not fanning out at " + checkpoint);
    }
  }

  /** Records that every page is written: the run's total is what was written. */
  public void fannedOut(Handle h, UUID id) {
    h.createUpdate(
            """
        update campaign_runs set state = 'sending', fanned_out_at = now(), total = written
        where id = :id and state = 'fanning_out'""")
        .bind("id", id)
        .execute();
  }

  /**
   * Ends a run: {@link State#FINISHED} once every delivery finished, or {@link State#CANCELLED};
   * returns whether it moved (a run already ended stays as it is).
   */
  public boolean end(UUID id, State state) {
    if (state != State.FINISHED && state != State.CANCELLED) {
      throw new IllegalArgumentException("a run ends finished or cancelled, not " + state);
    }
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
                update campaign_runs set state = :state, finished_at = now(),
                  total = coalesce(total, written)
                where id = :id and state in ('fanning_out', 'sending')""")
                    .bind("id", id)
                    .bind("state", state.wireName())
                    .execute()
                > 0);
  }

  /**
   * Marks a run cancelled in the caller's transaction (its notification was cancelled while it was
   * fanning out): no page is written after it.
   */
  public void cancelled(Handle h, UUID id) {
    h.createUpdate(
            """
        update campaign_runs set state = 'cancelled', finished_at = now(),
          total = coalesce(total, written)
        where id = :id and state in ('fanning_out', 'sending')""")
        .bind("id", id)
        .execute();
  }

  /**
   * Stops a run: {@link State#CANCELLED}, waiting for a page being written to commit (so that no
   * page follows); false when it had already ended. The caller then cancels its notification's
   * unsent deliveries, which includes every page written.
   */
  public boolean stop(UUID id) {
    return jdbi.inTransaction(
        h -> {
          h.createQuery("select id from campaign_runs where id = :id for update")
              .bind("id", id)
              .mapTo(UUID.class)
              .findOne();
          return h.createUpdate(
                      """
                  update campaign_runs set state = 'cancelled', finished_at = now(),
                    total = coalesce(total, written)
                  where id = :id and state in ('fanning_out', 'sending')""")
                  .bind("id", id)
                  .execute()
              > 0;
        });
  }

  /** The latest scheduled time of any run of the campaign with this uid. */
  public Optional<Instant> lastScheduled(String tenant, String campaignUid) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "select max(scheduled_for) from campaign_runs where tenant = :tenant and campaign_uid = :uid")
                .bind("tenant", tenant)
                .bind("uid", campaignUid)
                .mapTo(OffsetDateTime.class)
                .findOne()
                .map(NotificationStore::instant));
  }

  /** Whether a page failed because its day's partition of deliveries does not exist. */
  public static boolean missingPartition(Throwable e) {
    return NotificationStore.missingPartition(e);
  }

  /**
   * Creates the partition of deliveries for the day of {@code createdAt} (a run's notification's)
   * should maintenance not have created it.
   */
  public void ensurePartition(Instant createdAt) {
    jdbi.useHandle(
        h ->
            h.createQuery("select herald_ensure_delivery_partition(cast(:day as date))")
                .bind("day", createdAt.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString())
                .mapTo(Boolean.class)
                .one());
  }

  /** A delivery of a page and when it is due (its recipient's local time). */
  public record DueDelivery(NewDelivery delivery, Instant due) {}

  private static final String COPY =
      """
      copy deliveries (id, created_at, notification_id, tenant, user_id, channel, platform, address,
        locale, priority, state, failure_reason, next_attempt_at, expires_at)
      from stdin (format csv)""";

  /**
   * Writes a page's deliveries with COPY, in the caller's transaction. The page must hold no
   * duplicate (recipient × channel × address): COPY has no {@code on conflict}, and a duplicate
   * fails the page — which the checkpoint makes impossible across pages.
   */
  public static void copyDeliveries(Handle h, Run run, List<DueDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    String createdAt = ts(run.notificationCreatedAt()).toString();
    String expiresAt = run.expiresAt() == null ? null : ts(run.expiresAt()).toString();
    String priority = Integer.toString(run.priority().ordinal());
    StringBuilder csv = new StringBuilder(deliveries.size() * 200);
    for (DueDelivery dd : deliveries) {
      NewDelivery d = dd.delivery();
      field(csv, Uuids.timeOrdered().toString()).append(',');
      field(csv, createdAt).append(',');
      field(csv, run.notificationId().toString()).append(',');
      field(csv, run.tenant()).append(',');
      field(csv, d.userId()).append(',');
      field(csv, d.channel().wireName()).append(',');
      field(csv, d.platform()).append(',');
      field(csv, d.address()).append(',');
      field(csv, d.locale()).append(',');
      field(csv, priority).append(',');
      field(csv, d.state().wireName()).append(',');
      field(csv, d.failureReason()).append(',');
      field(csv, ts(dd.due()).toString()).append(',');
      field(csv, expiresAt).append('\n');
    }
    try {
      long copied =
          h.getConnection()
              .unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(COPY, new StringReader(csv.toString()));
      if (copied != deliveries.size()) {
        throw new IllegalStateException(
            "COPY wrote " + copied + " of " + deliveries.size() + " deliveries");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("COPY of a page of deliveries failed", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CSV field: null unquoted (COPY's NULL), anything else quoted, quotes doubled. */
  private static StringBuilder field(StringBuilder csv, String value) {
    if (value == null) {
      return csv;
    }
    csv.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        csv.append('"');
      }
      csv.append(c);
    }
    return csv.append('"');
  }

  private static Run run(java.sql.ResultSet rs) throws SQLException {
    return new Run(
        rs.getObject("id", UUID.class),
        rs.getString("tenant"),
        rs.getString("campaign"),
        rs.getString("campaign_uid"),
        instant(rs.getObject("scheduled_for", OffsetDateTime.class)),
        instant(rs.getObject("started_at", OffsetDateTime.class)),
        instant(rs.getObject("fanned_out_at", OffsetDateTime.class)),
        instant(rs.getObject("finished_at", OffsetDateTime.class)),
        State.fromWire(rs.getString("state")),
        rs.getString("spec"),
        rs.getObject("notification_id", UUID.class),
        instant(rs.getObject("n_created_at", OffsetDateTime.class)),
        Priority.fromWire(rs.getString("priority")),
        instant(rs.getObject("expires_at", OffsetDateTime.class)),
        rs.getString("checkpoint"),
        rs.getLong("users_written"),
        rs.getLong("written"),
        rs.getObject("total", Long.class),
        instant(rs.getObject("cancelled_at", OffsetDateTime.class)));
  }
}
