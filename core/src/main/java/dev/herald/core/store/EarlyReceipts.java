package dev.herald.core.store;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Provider receipts that arrive before the send they are about is recorded: a SendGrid event for a
 * delivery still {@code sending}, a Twilio status callback for a message SID not stored yet. They
 * are kept (table {@code early_receipts}) and applied when the outcome lands ({@link
 * #applyRecorded}, inside {@link DeliveryStore#record}'s transaction), as if they had arrived after
 * it: delivery states still only move forward. A tenant keeps at most {@code capPerTenant} of them,
 * and those that never match are dropped after {@code maxAge}, so receipts naming what can never
 * exist in a tenant cannot fill the table.
 */
public final class EarlyReceipts {
  /** What became of a receipt. */
  public enum Result {
    /** The delivery moved (or had already moved past where the receipt would take it). */
    APPLIED,
    /** The delivery is not sent yet: kept until it is. */
    KEPT,
    /** Nothing to do: no such delivery in this state, or it finished otherwise. */
    IGNORED,
    /** The tenant holds as many early receipts as it may: refused, for the provider to retry. */
    FULL
  }

  public static final int DEFAULT_CAP_PER_TENANT = 10_000;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(1);
  private static final Set<DeliveryState> NOT_SENT_YET =
      EnumSet.of(DeliveryState.PENDING, DeliveryState.QUEUED, DeliveryState.SENDING);

  private final Jdbi jdbi;
  private final int capPerTenant;

  public EarlyReceipts(Jdbi jdbi) {
    this(jdbi, DEFAULT_CAP_PER_TENANT);
  }

  public EarlyReceipts(Jdbi jdbi, int capPerTenant) {
    this.jdbi = jdbi;
    this.capPerTenant = capPerTenant;
  }

  /**
   * A receipt for a delivery found by id: moves it from {@code from} to {@code to}, or keeps the
   * receipt when the delivery is not sent yet. The row is locked meanwhile, so the outcome cannot
   * land between the two and leave the receipt unapplied.
   */
  public Result advanceOrKeep(
      String tenant,
      UUID deliveryId,
      Collection<DeliveryState> from,
      DeliveryState to,
      String failureReason) {
    return jdbi.inTransaction(
        h -> {
          String[] row =
              h.createQuery(
                      """
              select state, channel from deliveries where id = :id and tenant = :tenant for update""")
                  .bind("id", deliveryId)
                  .bind("tenant", tenant)
                  .map((rs, ctx) -> new String[] {rs.getString("state"), rs.getString("channel")})
                  .findOne()
                  .orElse(null);
          if (row == null) {
            return Result.IGNORED;
          }
          DeliveryState state = DeliveryState.fromWire(row[0]);
          if (from.contains(state)) {
            h.createUpdate(
                    """
                update deliveries set state = :to, failure_reason = coalesce(:reason, failure_reason),
                  updated_at = now()
                where id = :id and tenant = :tenant""")
                .bind("to", to.wireName())
                .bind("reason", failureReason)
                .bind("id", deliveryId)
                .bind("tenant", tenant)
                .execute();
            return Result.APPLIED;
          }
          if (!NOT_SENT_YET.contains(state)) {
            return Result.IGNORED;
          }
          return insert(h, tenant, deliveryId, null, row[1], to, failureReason);
        });
  }

  /**
   * A receipt naming a provider message id that no delivery of the tenant carries yet: kept, in
   * case its send is about to be recorded (the provider answered the callback's sender first).
   */
  public Result keepForMessage(
      String tenant,
      String providerMessageId,
      Channel channel,
      DeliveryState to,
      String failureReason) {
    return jdbi.inTransaction(
        h -> insert(h, tenant, null, providerMessageId, channel.wireName(), to, failureReason));
  }

  private Result insert(
      Handle h,
      String tenant,
      UUID deliveryId,
      String messageId,
      String channel,
      DeliveryState to,
      String failureReason) {
    int inserted =
        h.createUpdate(
                """
            insert into early_receipts (tenant, delivery_id, provider_message_id, channel, event, failure_reason)
            select :tenant, :deliveryId, :messageId, :channel, :event, :reason
            where (select count(*) from (select 1 from early_receipts where tenant = :tenant limit :cap) held) < :cap""")
            .bind("tenant", tenant)
            .bind("deliveryId", deliveryId)
            .bind("messageId", messageId)
            .bind("channel", channel)
            .bind("event", to.wireName())
            .bind("reason", failureReason)
            .bind("cap", capPerTenant)
            .execute();
    return inserted > 0 ? Result.KEPT : Result.FULL;
  }

  /**
   * The state early receipts take a {@code sent} delivery to, as if they had arrived one by one
   * after it, in the order they arrived: {@code failed} only when it came before any open or click
   * (nothing moves a delivery out of {@code failed} or {@code clicked}), otherwise the furthest of
   * clicked, opened, delivered. {@code taken} yields (id, created_at, event, failure_reason, seq).
   */
  private static final String APPLY =
      """
      with taken as (%s),
      verdict as (
        select id, created_at,
          case
            when min(seq) filter (where event = 'failed')
                 < coalesce(min(seq) filter (where event in ('opened', 'clicked')), 9223372036854775807) then 'failed'
            when bool_or(event = 'clicked') then 'clicked'
            when bool_or(event = 'opened') then 'opened'
            else 'delivered'
          end as state,
          (array_agg(failure_reason order by seq) filter (where event = 'failed'))[1] as reason
        from taken group by id, created_at)
      update deliveries d set state = v.state,
        failure_reason = case when v.state = 'failed' then v.reason else d.failure_reason end, updated_at = now()
      from verdict v
      where d.id = v.id and d.created_at = v.created_at and d.state = 'sent'""";

  /**
   * Applies the early receipts of deliveries {@link DeliveryStore#record} just moved to {@code
   * sent}, in its transaction: one query on the receipts' indexes, which finds nothing almost
   * always.
   */
  static int applyRecorded(Handle h, List<Outcome> outcomes, int[] moved) {
    List<UUID> ids = new ArrayList<>();
    List<String> createdAts = new ArrayList<>();
    List<String> messageIds = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      if (moved[i] > 0 && o.state() == DeliveryState.SENT) {
        ids.add(o.key().id());
        createdAts.add(o.key().createdAt().toString());
        if (o.providerMessageId() != null) {
          messageIds.add(o.providerMessageId());
        }
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    return h.createUpdate(
            APPLY.formatted(
                """
            delete from early_receipts e using deliveries d
            where (e.delivery_id = any(:ids) or e.provider_message_id = any(:messageIds))
              and d.id = any(:ids) and d.created_at = any(cast(:createdAts as timestamptz[]))
              and d.tenant = e.tenant and d.channel = e.channel and d.state = 'sent'
              and (e.delivery_id = d.id or e.provider_message_id = d.provider_message_id)
            returning d.id, d.created_at, e.event, e.failure_reason, e.id as seq"""))
        .bindArray("ids", UUID.class, ids)
        .bindArray("createdAts", String.class, createdAts)
        .bindArray("messageIds", String.class, messageIds)
        .execute();
  }

  /**
   * Applies early receipts whose delivery is {@code sent} by now (a receipt kept while its outcome
   * was being committed), then drops those older than {@code maxAge}. Returns how many were
   * dropped.
   */
  public int sweep(Duration maxAge) {
    return jdbi.inTransaction(
        h -> {
          // By delivery id, then by message id: each a join on one index.
          for (String match :
              List.of("e.delivery_id = d.id", "e.provider_message_id = d.provider_message_id")) {
            h.createUpdate(
                    APPLY.formatted(
                        """
                delete from early_receipts e using deliveries d
                where %s and d.tenant = e.tenant and d.channel = e.channel and d.state = 'sent'
                returning d.id, d.created_at, e.event, e.failure_reason, e.id as seq"""
                            .formatted(match)))
                .execute();
          }
          return h.createUpdate(
                  "delete from early_receipts where received_at < now() - make_interval(secs => :seconds)")
              .bind("seconds", (double) maxAge.toSeconds())
              .execute();
        });
  }

  /** Early receipts a tenant holds now. */
  public long held(String tenant) {
    return jdbi.withHandle(
        h ->
            h.createQuery("select count(*) from early_receipts where tenant = :tenant")
                .bind("tenant", tenant)
                .mapTo(Long.class)
                .one());
  }
}
