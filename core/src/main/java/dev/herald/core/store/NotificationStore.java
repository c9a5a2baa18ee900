package dev.herald.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateContent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Notifications and the writing of their deliveries. */
public final class NotificationStore {
  private static final String NOTIFICATION_COLUMNS =
      "id, tenant, created_at, send_at, expires_at, cancelled_at";

  private final Jdbi jdbi;

  public NotificationStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The outcome of {@link #accept}: the stored notification, and whether this call wrote it. */
  public record Accepted(NotificationRecord notification, boolean created) {}

  /**
   * Writes a notification and its deliveries in one transaction. If a notification with the same
   * (tenant, source, sourceRef) exists, nothing is written and the existing one is returned.
   */
  public Accepted accept(NewNotification n, List<NewDelivery> deliveries) {
    return accept(n, deliveries, null);
  }

  /**
   * As {@link #accept(NewNotification, List)}, for a request made with an {@code Idempotency-Key}
   * (the notification's sourceRef): {@code requestHash} is kept with it, so that a repeated key can
   * be told apart from a repeated request.
   */
  public Accepted accept(NewNotification n, List<NewDelivery> deliveries, String requestHash) {
    try {
      return write(n, deliveries, requestHash);
    } catch (JdbiException e) {
      // Maintenance creates partitions a week ahead; should today's be missing all the same,
      // create it and try once more rather than refuse the notification.
      if (!missingPartition(e)) {
        throw e;
      }
      PartitionMaintenance.ensureToday(jdbi);
      return write(n, deliveries, requestHash);
    }
  }

  static boolean missingPartition(Throwable e) {
    // The deliveries' batch insert reports it as a BatchUpdateException, the cause in its next
    // exception.
    for (Throwable t = e;
        t != null;
        t =
            t.getCause() != null
                ? t.getCause()
                : t instanceof java.sql.SQLException s ? s.getNextException() : null) {
      if (t instanceof java.sql.SQLException s
          && "23514".equals(s.getSQLState())
          && String.valueOf(s.getMessage()).contains("no partition of relation")) {
        return true;
      }
    }
    return false;
  }

  private Accepted write(NewNotification n, List<NewDelivery> deliveries, String requestHash) {
    return jdbi.inTransaction(
        h -> {
          Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
          UUID id = Uuids.timeOrdered();
          Optional<NotificationRecord> inserted =
              h.createQuery(
                      """
              insert into notifications (id, tenant, source, source_ref, resource_name, template,
                category, priority, channels, fallback, content, data, send_at, expires_at, created_at,
                idempotency_key, request_hash)
              values (:id, :tenant, :source, :sourceRef, :resourceName, :template, :category,
                :priority, :channels, :fallback, cast(:content as jsonb), cast(:data as jsonb), :sendAt,
                :expiresAt, :createdAt, :idempotencyKey, :requestHash)
              on conflict do nothing
              returning %s"""
                          .formatted(NOTIFICATION_COLUMNS))
                  .bind("id", id)
                  .bind("tenant", n.tenant())
                  .bind("source", n.source().wireName())
                  .bind("sourceRef", n.sourceRef())
                  .bind("resourceName", n.resourceName())
                  .bind("template", n.template())
                  .bind("category", n.category())
                  .bind("priority", n.priority().wireName())
                  .bindArray(
                      "channels",
                      String.class,
                      n.channels().stream().map(Channel::wireName).toList())
                  .bindArray(
                      "fallback",
                      String.class,
                      n.fallback().stream().map(Channel::wireName).toList())
                  .bind("content", Json.write(n.content()))
                  .bind("data", n.data() == null ? "{}" : Json.write(n.data()))
                  .bind("sendAt", ts(n.sendAt()))
                  .bind("expiresAt", ts(n.expiresAt()))
                  .bind("createdAt", ts(now))
                  .bind("idempotencyKey", requestHash == null ? null : n.sourceRef())
                  .bind("requestHash", requestHash)
                  .map(NotificationStore::record)
                  .findOne();
          if (inserted.isEmpty()) {
            return new Accepted(
                findBySource(h, n.tenant(), n.source(), n.sourceRef()).orElseThrow(), false);
          }
          NotificationRecord record = inserted.get();
          insertDeliveries(h, record, n, ofExistingUsers(h, n.tenant(), deliveries));
          return new Accepted(record, true);
        });
  }

  /**
   * The deliveries to send, less those whose user no longer exists, locking those users against
   * erasure until the transaction ends: a user erased after their contact was read must not get
   * deliveries written afterwards, and an erasure that comes later sees these rows and cancels
   * them.
   */
  private static List<NewDelivery> ofExistingUsers(
      Handle h, String tenant, List<NewDelivery> deliveries) {
    List<String> users =
        deliveries.stream()
            .filter(d -> d.state() == DeliveryState.PENDING)
            .map(NewDelivery::userId)
            .filter(java.util.Objects::nonNull)
            .distinct()
            .toList();
    if (users.isEmpty()) {
      return deliveries;
    }
    java.util.Set<String> existing =
        new java.util.HashSet<>(
            h.createQuery(
                    """
            select user_id from users where tenant = :tenant and user_id = any(:users) for key share""")
                .bind("tenant", tenant)
                .bindArray("users", String.class, users)
                .mapTo(String.class)
                .list());
    if (existing.size() == users.size()) {
      return deliveries;
    }
    return deliveries.stream()
        .filter(
            d ->
                d.state() != DeliveryState.PENDING
                    || d.userId() == null
                    || existing.contains(d.userId()))
        .toList();
  }

  private static void insertDeliveries(
      Handle h, NotificationRecord record, NewNotification n, List<NewDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    Instant due = n.sendAt() != null ? n.sendAt() : record.createdAt();
    PreparedBatch batch =
        h.prepareBatch(
            """
        insert into deliveries (id, created_at, notification_id, tenant, user_id, channel, platform,
          address, locale, priority, state, failure_reason, next_attempt_at, expires_at)
        values (:id, :createdAt, :notificationId, :tenant, :userId, :channel, :platform, :address,
          :locale, :priority, :state, :failureReason, :due, :expiresAt)
        on conflict do nothing""");
    for (NewDelivery d : deliveries) {
      batch
          .bind("id", Uuids.timeOrdered())
          .bind("createdAt", ts(record.createdAt()))
          .bind("notificationId", record.id())
          .bind("tenant", record.tenant())
          .bind("userId", d.userId())
          .bind("channel", d.channel().wireName())
          .bind("platform", d.platform())
          .bind("address", d.address())
          .bind("locale", d.locale())
          .bind("priority", (short) n.priority().ordinal())
          .bind("state", d.state().wireName())
          .bind("failureReason", d.failureReason())
          .bind("due", ts(due))
          .bind("expiresAt", ts(n.expiresAt()))
          .add();
    }
    batch.execute();
  }

  public Optional<NotificationRecord> findBySource(String tenant, Source source, String sourceRef) {
    return jdbi.withHandle(h -> findBySource(h, tenant, source, sourceRef));
  }

  private static Optional<NotificationRecord> findBySource(
      Handle h, String tenant, Source source, String sourceRef) {
    return h.createQuery(
            "select "
                + NOTIFICATION_COLUMNS
                + " from notifications where tenant = :tenant and source = :source and source_ref = :ref")
        .bind("tenant", tenant)
        .bind("source", source.wireName())
        .bind("ref", sourceRef)
        .map(NotificationStore::record)
        .findOne();
  }

  /** A notification whose rows retention removed: what is remembered of it. */
  public record Pruned(UUID notificationId, Instant createdAt, Instant prunedAt) {}

  /**
   * Whether retention pruned the notification of this source (only Notification CRs are
   * remembered).
   */
  public Optional<Pruned> pruned(String tenant, Source source, String sourceRef) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select notification_id, created_at, pruned_at from pruned_notifications
            where tenant = :tenant and source = :source and source_ref = :ref""")
                .bind("tenant", tenant)
                .bind("source", source.wireName())
                .bind("ref", sourceRef)
                .map(
                    (rs, ctx) ->
                        new Pruned(
                            rs.getObject("notification_id", UUID.class),
                            instant(rs.getObject("created_at", OffsetDateTime.class)),
                            instant(rs.getObject("pruned_at", OffsetDateTime.class))))
                .findOne());
  }

  /** Forgets a pruned notification's source: its resource is gone, and no other will have it. */
  public void forgetPruned(String tenant, Source source, String sourceRef) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "delete from pruned_notifications where tenant = :tenant and source = :source and source_ref = :ref")
                .bind("tenant", tenant)
                .bind("source", source.wireName())
                .bind("ref", sourceRef)
                .execute());
  }

  /** Deliveries per channel and state. */
  public DeliveryCounts counts(NotificationRecord n) {
    return counts(n.id());
  }

  /**
   * Deliveries per channel and state of a notification, from its counters (migration V10): the
   * deltas appended since the last read are folded into the totals, then both are summed. The cost
   * is that of the statements since the last read, whatever the number of deliveries. Exact: each
   * delta was written in the transaction of the change it counts. A reader that finds another
   * folding the same notification only sums.
   */
  public DeliveryCounts counts(UUID notificationId) {
    return jdbi.inTransaction(
        h -> {
          boolean fold =
              h.createQuery("select pg_try_advisory_xact_lock(:space, hashtext(cast(:id as text)))")
                  .bind("space", COUNTS_LOCK_SPACE)
                  .bind("id", notificationId)
                  .mapTo(Boolean.class)
                  .one();
          if (fold) {
            h.createUpdate(
                    """
                with folded as (
                  delete from delivery_count_deltas where notification_id = :id
                  returning channel, state, n)
                insert into delivery_counts (notification_id, channel, state, n)
                select :id, channel, state, sum(n) from folded group by channel, state
                order by channel, state
                on conflict (notification_id, channel, state)
                do update set n = delivery_counts.n + excluded.n""")
                .bind("id", notificationId)
                .execute();
          }
          var byChannel = new EnumMap<Channel, java.util.Map<DeliveryState, Long>>(Channel.class);
          h.createQuery(
                  """
              select channel, state, sum(n) as n from (
                select channel, state, n from delivery_counts where notification_id = :id
                union all
                select channel, state, n from delivery_count_deltas where notification_id = :id) c
              group by channel, state having sum(n) <> 0""")
              .bind("id", notificationId)
              .map(
                  (rs, ctx) -> {
                    byChannel
                        .computeIfAbsent(
                            Channel.fromWire(rs.getString("channel")),
                            c -> new EnumMap<>(DeliveryState.class))
                        .put(DeliveryState.fromWire(rs.getString("state")), rs.getLong("n"));
                    return null;
                  })
              .list();
          return new DeliveryCounts(byChannel);
        });
  }

  /**
   * Folds up to {@code limit} deltas of any notifications into their totals, so that deltas of
   * notifications nobody reads do not pile up; returns how many it folded. Deltas a reader is
   * folding at the same moment are skipped, not waited for. The maintenance schedule calls it.
   */
  public int foldCounts(int limit) {
    return jdbi.inTransaction(
        h ->
            h.createQuery(
                    """
                with folded as (
                  delete from delivery_count_deltas where ctid = any(array(
                    select ctid from delivery_count_deltas limit :limit for update skip locked))
                  returning notification_id, channel, state, n),
                upserted as (
                  insert into delivery_counts (notification_id, channel, state, n)
                  select notification_id, channel, state, sum(n) from folded
                  group by notification_id, channel, state
                  order by notification_id, channel, state
                  on conflict (notification_id, channel, state)
                  do update set n = delivery_counts.n + excluded.n)
                select count(*) from folded""")
                .bind("limit", limit)
                .mapTo(Integer.class)
                .one());
  }

  /** The advisory lock space of counter folding (one lock per notification within it). */
  private static final int COUNTS_LOCK_SPACE = 0x48636e74; // "Hcnt"

  /** A notification whose deliveries were requeued, and when. */
  public record RequeuedNotification(
      UUID id, String tenant, String source, String resourceName, Instant requeuedAt) {}

  /**
   * Notifications whose dead letters were requeued since {@code since}: the operator polls them.
   */
  public List<RequeuedNotification> requeuedSince(Instant since) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select id, tenant, source, resource_name, requeued_at from notifications
            where requeued_at is not null and requeued_at > :since""")
                .bind("since", ts(since))
                .map(
                    (rs, ctx) ->
                        new RequeuedNotification(
                            rs.getObject("id", UUID.class),
                            rs.getString("tenant"),
                            rs.getString("source"),
                            rs.getString("resource_name"),
                            instant(rs.getObject("requeued_at", OffsetDateTime.class))))
                .list());
  }

  /**
   * Deliveries waiting in Postgres for a reason (their last error code: {@link DeliveryReasons}'
   * waits, or a provider's code).
   */
  public java.util.Map<String, Long> waiting(NotificationRecord n) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select last_error_code, count(*) as n from deliveries
            where notification_id = :id and created_at = :createdAt and state = 'pending' and last_error_code is not null
            group by last_error_code""")
                .bind("id", n.id())
                .bind("createdAt", ts(n.createdAt()))
                .reduceRows(
                    new java.util.TreeMap<String, Long>(),
                    (m, row) -> {
                      m.put(
                          row.getColumn("last_error_code", String.class),
                          row.getColumn("n", Long.class));
                      return m;
                    }));
  }

  /**
   * What a cancel did: deliveries it stopped, and those a dispatcher held at that instant, which
   * are stopped too unless their provider call was already under way (those may still be sent, and
   * are then counted as sent).
   */
  public record Cancellation(int cancelled, int inFlight) {}

  /**
   * Cancels every unfinished delivery: waiting, in the stream, or claimed by a dispatcher (which
   * checks again before its provider call when it has held the delivery for a while). Calls already
   * under way finish as they will. The rows are locked in id order, as the dispatchers' batches
   * take theirs ({@code DeliveryStore.ROW_ORDER}): a cancel of a run of thousands running into
   * claims and outcome writes of the same rows waits for them, never deadlocks with them.
   */
  public Cancellation cancel(NotificationRecord n) {
    return jdbi.inTransaction(
        h -> {
          h.createUpdate(
                  "update notifications set cancelled_at = coalesce(cancelled_at, now()) where id = :id")
              .bind("id", n.id())
              .execute();
          List<String> from =
              h.createQuery(
                      """
              with cancelled as (
                update deliveries d set state = 'cancelled', updated_at = now()
                from (select id, created_at, state from deliveries
                      where notification_id = :id and created_at = :createdAt and state in ('pending', 'queued', 'sending')
                      order by id
                      for update) before
                where d.id = before.id and d.created_at = before.created_at
                returning before.state)
              select state from cancelled""")
                  .bind("id", n.id())
                  .bind("createdAt", ts(n.createdAt()))
                  .mapTo(String.class)
                  .list();
          int inFlight = (int) from.stream().filter("sending"::equals).count();
          return new Cancellation(from.size() - inFlight, inFlight);
        });
  }

  /**
   * What a dispatcher needs to render a notification's deliveries, to fall back, and to keep a
   * Campaign's frequency cap ({@code cap}, null for none).
   */
  public record Content(
      TemplateContent content,
      JsonNode data,
      String category,
      List<Channel> fallback,
      Pacing.FrequencyCap cap) {
    public Content(
        TemplateContent content, JsonNode data, String category, List<Channel> fallback) {
      this(content, data, category, fallback, null);
    }
  }

  public Optional<Content> content(UUID notificationId) {
    return Optional.ofNullable(contents(List.of(notificationId)).get(notificationId));
  }

  /** The content of each of these notifications that exists, in one query. */
  public Map<UUID, Content> contents(List<UUID> notificationIds) {
    Map<UUID, Content> found = new java.util.HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
            select n.id, n.content::text as content, n.data::text as data, n.category, n.fallback,
              p.cap_count, extract(epoch from p.cap_window)::bigint as cap_seconds
            from notifications n left join notification_pacing p on p.notification_id = n.id
            where n.id = any(:ids)""")
                .bindArray("ids", UUID.class, notificationIds)
                .map(
                    (rs, ctx) ->
                        found.put(
                            rs.getObject("id", UUID.class),
                            new Content(
                                Json.read(rs.getString("content"), TemplateContent.class),
                                Json.read(rs.getString("data"), JsonNode.class),
                                rs.getString("category"),
                                java.util.Arrays.stream(
                                        (String[]) rs.getArray("fallback").getArray())
                                    .map(Channel::fromWire)
                                    .toList(),
                                cap(rs))))
                .list());
    return found;
  }

  private static Pacing.FrequencyCap cap(java.sql.ResultSet rs) throws java.sql.SQLException {
    int count = rs.getInt("cap_count");
    return rs.wasNull()
        ? null
        : new Pacing.FrequencyCap(count, java.time.Duration.ofSeconds(rs.getLong("cap_seconds")));
  }

  /**
   * Adds a delivery to an accepted notification — a fallback on another channel — unless the same
   * recipient × channel × address exists, the notification was cancelled, or the user was erased.
   * Returns whether it was added.
   */
  public boolean addDelivery(DeliveryKey of, NewDelivery d) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            insert into deliveries (id, created_at, notification_id, tenant, user_id, channel, platform,
              address, locale, priority, state, failure_reason, next_attempt_at, expires_at)
            select :id, created_at, notification_id, tenant, user_id, :channel, :platform, :address, :locale,
              priority, :state, :failureReason, now(), expires_at
            from deliveries o where id = :of and created_at = :createdAt
              and not exists (select 1 from notifications n where n.id = o.notification_id and n.cancelled_at is not null)
              and (o.user_id is null or exists (select 1 from users u where u.tenant = o.tenant and u.user_id = o.user_id
                                                for key share))
            on conflict do nothing""")
                    .bind("id", Uuids.timeOrdered())
                    .bind("channel", d.channel().wireName())
                    .bind("platform", d.platform())
                    .bind("address", d.address())
                    .bind("locale", d.locale())
                    .bind("state", d.state().wireName())
                    .bind("failureReason", d.failureReason())
                    .bind("of", of.id())
                    .bind("createdAt", ts(of.createdAt()))
                    .execute()
                > 0);
  }

  /**
   * The channels on which a user of a notification has a delivery, other than {@code of}, that has
   * not failed.
   */
  public java.util.Set<Channel> channelsInUse(DeliveryKey of, String userId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select distinct d.channel from deliveries d
            join deliveries o on o.notification_id = d.notification_id and o.created_at = d.created_at
            where o.id = :of and o.created_at = :createdAt and d.user_id = :user and d.id <> o.id
              and d.state not in ('failed', 'suppressed')""")
                .bind("of", of.id())
                .bind("createdAt", ts(of.createdAt()))
                .bind("user", userId)
                .mapTo(String.class)
                .map(Channel::fromWire)
                .collect(java.util.stream.Collectors.toSet()));
  }

  private static NotificationRecord record(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new NotificationRecord(
        rs.getObject("id", UUID.class),
        rs.getString("tenant"),
        instant(rs.getObject("created_at", OffsetDateTime.class)),
        instant(rs.getObject("send_at", OffsetDateTime.class)),
        instant(rs.getObject("expires_at", OffsetDateTime.class)),
        instant(rs.getObject("cancelled_at", OffsetDateTime.class)));
  }

  static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** A notification of a tenant by id; another tenant's is not found. */
  public Optional<NotificationRecord> find(String tenant, UUID id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "select "
                        + NOTIFICATION_COLUMNS
                        + " from notifications where tenant = :tenant and id = :id")
                .bind("tenant", tenant)
                .bind("id", id)
                .map(NotificationStore::record)
                .findOne());
  }

  /** The request hash kept with an idempotent request's notification. */
  public Optional<String> requestHash(NotificationRecord n) {
    return jdbi.withHandle(
        h ->
            h.createQuery("select request_hash from notifications where id = :id")
                .bind("id", n.id())
                .mapTo(String.class)
                .findOne());
  }

  /** What the API shows of a notification besides its counts. */
  public record Summary(
      String source, String template, String category, String priority, List<Channel> channels) {}

  public Summary summary(NotificationRecord n) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "select source, template, category, priority, channels from notifications where id = :id")
                .bind("id", n.id())
                .map(
                    (rs, ctx) ->
                        new Summary(
                            rs.getString("source"),
                            rs.getString("template"),
                            rs.getString("category"),
                            rs.getString("priority"),
                            java.util.Arrays.stream((String[]) rs.getArray("channels").getArray())
                                .map(Channel::fromWire)
                                .toList()))
                .one());
  }

  /** One delivery as the API shows it (the address masked). */
  public record DeliveryView(
      UUID id,
      String userId,
      Channel channel,
      String address,
      DeliveryState state,
      String failureReason,
      int attempts,
      Instant sentAt,
      Instant updatedAt) {}

  /**
   * A page of a notification's deliveries in id order, after {@code after} (exclusive) when given.
   */
  public List<DeliveryView> deliveries(NotificationRecord n, UUID after, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select id, user_id, channel, address, state, failure_reason, attempts, sent_at, updated_at
            from deliveries
            where notification_id = :id and created_at = :createdAt and (cast(:after as uuid) is null or id > :after)
            order by id limit :limit""")
                .bind("id", n.id())
                .bind("createdAt", ts(n.createdAt()))
                .bind("after", after)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new DeliveryView(
                            rs.getObject("id", UUID.class),
                            rs.getString("user_id"),
                            Channel.fromWire(rs.getString("channel")),
                            rs.getString("address"),
                            DeliveryState.fromWire(rs.getString("state")),
                            rs.getString("failure_reason"),
                            rs.getInt("attempts"),
                            instant(rs.getObject("sent_at", OffsetDateTime.class)),
                            instant(rs.getObject("updated_at", OffsetDateTime.class))))
                .list());
  }
}
