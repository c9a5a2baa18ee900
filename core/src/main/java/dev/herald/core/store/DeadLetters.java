package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.instant;
import static dev.herald.core.store.NotificationStore.ts;

import dev.herald.api.Channel;
import dev.herald.core.log.Mask;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Deliveries that failed after every attempt — the provider kept failing ({@code exhausted}) or
 * handling kept failing outside it ({@code internal_error}) — listed and requeued. A requeued
 * delivery is {@code pending} again with its attempts reset, and the relay publishes it as a new
 * publication; the conditional UPDATE from {@code failed} makes two requeues of the same dead
 * letter (at once, or one after the other) move it once. A delivery whose notification was
 * cancelled, whose user was erased or whose {@code expiresAt} has passed is not requeued.
 */
public final class DeadLetters {
  /** The failure reasons that make a dead letter. */
  public static final Set<String> REASONS =
      Set.of(DeliveryReasons.EXHAUSTED, DeliveryReasons.INTERNAL_ERROR);

  /** Deliveries requeued per transaction: a large selection moves in several. */
  static final int REQUEUE_BATCH = 5_000;

  /**
   * Which dead letters: every field narrows the selection, a null one does not.
   *
   * @param tenant the namespace (null: every namespace; the HTTP API always names its key's)
   * @param deliveryIds particular deliveries (null or empty: any)
   */
  public record Selection(
      String tenant, UUID notificationId, String reason, Channel channel, List<UUID> deliveryIds) {
    public Selection {
      if (reason != null && !REASONS.contains(reason)) {
        throw new IllegalArgumentException(
            "reason must be one of " + new java.util.TreeSet<>(REASONS));
      }
      deliveryIds = deliveryIds == null ? List.of() : List.copyOf(deliveryIds);
    }

    public static Selection ofTenant(String tenant) {
      return new Selection(tenant, null, null, null, List.of());
    }

    /** True when only the tenant (or nothing) narrows it: requeueing it takes an explicit "all". */
    public boolean isEverything() {
      return notificationId == null && reason == null && channel == null && deliveryIds.isEmpty();
    }
  }

  /**
   * One dead letter; the address is masked. {@code requeueable} is false when its notification was
   * cancelled, its user erased or its {@code expiresAt} passed.
   */
  public record DeadLetter(
      UUID deliveryId,
      Instant createdAt,
      String tenant,
      UUID notificationId,
      String resourceName,
      Channel channel,
      String address,
      String reason,
      String errorCode,
      String error,
      int attempts,
      String provider,
      Instant failedAt,
      boolean requeueable) {
    /** Where the next page starts. */
    public Cursor cursor() {
      return new Cursor(failedAt, deliveryId);
    }
  }

  /** A place in the oldest-first order, exclusive. */
  public record Cursor(Instant failedAt, UUID deliveryId) {
    /** {@code <epoch micros>.<uuid>}: opaque to callers. */
    public String token() {
      long micros = failedAt.getEpochSecond() * 1_000_000L + failedAt.getNano() / 1_000;
      return micros + "." + deliveryId;
    }

    /** The cursor of {@link #token()}; an IllegalArgumentException when it is not one. */
    public static Cursor parse(String token) {
      int dot = token.indexOf('.');
      if (dot <= 0) {
        throw new IllegalArgumentException("not a cursor");
      }
      try {
        long micros = Long.parseLong(token.substring(0, dot));
        String idText = token.substring(dot + 1);
        UUID id = UUID.fromString(idText);
        if (!id.toString().equals(idText)) {
          throw new IllegalArgumentException("not a cursor");
        }
        return new Cursor(
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
            id);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a cursor");
      }
    }
  }

  /** What a requeue did: deliveries made pending again, and the notifications they belong to. */
  public record Requeued(int deliveries, int notifications) {}

  private final Jdbi jdbi;

  public DeadLetters(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Dead letters of the selection, oldest failure first, after {@code after} when given. */
  public List<DeadLetter> list(Selection selection, Cursor after, int limit) {
    String sql =
        "select d.id, d.created_at, d.tenant, d.notification_id, n.resource_name, d.channel, d.address,"
            + " d.failure_reason, d.last_error_code, d.last_error, d.attempts, d.provider, d.updated_at,"
            + " ("
            + REQUEUEABLE
            + ") as requeueable"
            + " from deliveries d join notifications n on n.id = d.notification_id"
            + " where "
            + WHERE
            + " and (cast(:afterAt as timestamptz) is null or (d.updated_at, d.id) > (:afterAt, :afterId))"
            + " order by d.updated_at, d.id limit :limit";
    return jdbi.withHandle(
        h ->
            bind(h.createQuery(sql), selection)
                .bind("afterAt", after == null ? null : ts(after.failedAt()))
                .bind("afterId", after == null ? null : after.deliveryId())
                .bind("limit", limit)
                .map(
                    (rs, ctx) -> {
                      Channel channel = Channel.fromWire(rs.getString("channel"));
                      return new DeadLetter(
                          rs.getObject("id", UUID.class),
                          instant(rs.getObject("created_at", OffsetDateTime.class)),
                          rs.getString("tenant"),
                          rs.getObject("notification_id", UUID.class),
                          rs.getString("resource_name"),
                          channel,
                          Mask.address(rs.getString("channel"), rs.getString("address")),
                          rs.getString("failure_reason"),
                          rs.getString("last_error_code"),
                          rs.getString("last_error"),
                          rs.getInt("attempts"),
                          rs.getString("provider"),
                          instant(rs.getObject("updated_at", OffsetDateTime.class)),
                          rs.getBoolean("requeueable"));
                    })
                .list());
  }

  /**
   * Makes the selection's dead letters pending again, due now, with their attempts reset, in
   * transactions of {@value #REQUEUE_BATCH}; marks their notifications requeued so that the
   * operator brings a finished Notification's status back to {@code Dispatching}.
   */
  public Requeued requeue(Selection selection) {
    int deliveries = 0;
    Set<UUID> notifications = new java.util.HashSet<>();
    while (true) {
      List<UUID> moved =
          jdbi.inTransaction(
              h -> {
                List<UUID> ids =
                    bind(h.createQuery(REQUEUE), selection)
                        .bind("limit", REQUEUE_BATCH)
                        .mapTo(UUID.class)
                        .list();
                markRequeued(h, ids);
                return ids;
              });
      deliveries += moved.size();
      notifications.addAll(moved);
      if (moved.size() < REQUEUE_BATCH) {
        return new Requeued(deliveries, notifications.size());
      }
    }
  }

  private static void markRequeued(Handle h, List<UUID> notificationIds) {
    if (!notificationIds.isEmpty()) {
      h.createUpdate("update notifications set requeued_at = now() where id = any(:ids)")
          .bind("ids", new java.util.HashSet<>(notificationIds).toArray(UUID[]::new))
          .execute();
    }
  }

  /**
   * Dead letters of every tenant, counted up to {@code cap} through their partial index: the
   * metrics sampler's gauge, bounded when an outage has failed a campaign.
   */
  public long total(int cap) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select count(*) from (select 1 from deliveries
              where state = 'failed' and failure_reason in ('exhausted', 'internal_error')
              limit :cap) dead""")
                .bind("cap", cap)
                .mapTo(Long.class)
                .one());
  }

  /** Dead letters per tenant and reason, for a summary. */
  public record Count(String tenant, String reason, long count) {}

  public List<Count> counts(String tenant) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select tenant, failure_reason, count(*) as n from deliveries
            where state = 'failed' and failure_reason in ('exhausted', 'internal_error')
              and (cast(:tenant as text) is null or tenant = :tenant)
            group by tenant, failure_reason order by tenant, failure_reason""")
                .bind("tenant", tenant)
                .map(
                    (rs, ctx) ->
                        new Count(
                            rs.getString("tenant"),
                            rs.getString("failure_reason"),
                            rs.getLong("n")))
                .list());
  }

  // The rows a selection names. A requeue re-checks the row's state after locking it.
  private static final String WHERE =
      """
       d.state = 'failed' and d.failure_reason in ('exhausted', 'internal_error')
              and (cast(:tenant as text) is null or d.tenant = :tenant)
              and (cast(:notificationId as uuid) is null or d.notification_id = :notificationId)
              and (cast(:reason as text) is null or d.failure_reason = :reason)
              and (cast(:channel as text) is null or d.channel = :channel)
              and (cardinality(cast(:ids as uuid[])) = 0 or d.id = any(:ids))
      """;
  // A cancel, an erasure and an expiry outrank a requeue.
  private static final String REQUEUEABLE =
      "n.cancelled_at is null and (d.expires_at is null or d.expires_at > now()) and d.address not like 'erased:%'";

  private static final String REQUEUE =
      "update deliveries d set state = 'pending', attempts = 0,"
          + " failure_reason = null, last_error_code = null, next_attempt_at = now(), updated_at = now()"
          + " from (select d.id, d.created_at from deliveries d join notifications n on n.id = d.notification_id"
          + " where "
          + WHERE
          + " and "
          + REQUEUEABLE
          + " order by d.updated_at, d.id limit :limit for update of d skip locked) picked"
          + " where d.id = picked.id and d.created_at = picked.created_at and d.state = 'failed'"
          + " returning d.notification_id";

  private static <S extends SqlStatement<S>> S bind(S statement, Selection s) {
    return statement
        .bind("tenant", s.tenant())
        .bind("notificationId", s.notificationId())
        .bind("reason", s.reason())
        .bind("channel", s.channel() == null ? null : s.channel().wireName())
        .bind("ids", s.deliveryIds().toArray(UUID[]::new));
  }
}
