package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.ts;

import dev.herald.api.DeliveryState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Provider receipts that arrived before the outcome they are about was recorded: a delivery still
 * {@code sending} (the provider answered, the dispatcher has not written {@code sent} yet), or a
 * Twilio message SID not stored yet. They are kept, and applied in the same transaction that
 * records the outcome, so a failed SMS is not left counted as sent because its callback was early.
 */
public final class EarlyReceipts {
  /** How many a tenant may have waiting: only signed callbacks write here, but never without bound. */
  public static final int MAX_PER_TENANT = 100_000;
  /** A receipt still unmatched after this is dropped: its send was never recorded here. */
  public static final Duration KEPT_FOR = Duration.ofDays(1);

  /** What a receipt is keyed by: Herald's delivery id (SendGrid), or the provider's message id (Twilio). */
  public enum Key {
    DELIVERY("delivery"), PROVIDER_MESSAGE("provider_message");

    final String wire;

    Key(String wire) {
      this.wire = wire;
    }
  }

  private final Jdbi jdbi;

  public EarlyReceipts(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The states a receipt moving a delivery to {@code to} may move it from: receipts only move forward. */
  public static Set<DeliveryState> movesFrom(DeliveryState to) {
    return switch (to) {
      case DELIVERED -> EnumSet.of(DeliveryState.SENT);
      case OPENED -> EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED);
      case CLICKED -> EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.OPENED);
      case FAILED -> EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED);
      default -> throw new IllegalArgumentException("not a receipt's state: " + to);
    };
  }

  /**
   * Keeps a receipt for later; false when the tenant already has {@link #MAX_PER_TENANT} waiting
   * (the receipt is then dropped, and the caller should say so).
   */
  public boolean keep(String tenant, Key key, String value, DeliveryState to, String failureReason,
      String suppressReason) {
    return jdbi.withHandle(h -> h.createUpdate("""
            insert into early_receipts (tenant, key_kind, key, state, failure_reason, suppress_reason)
            select :tenant, :kind, :key, :state, :reason, :suppress
            where (select count(*) from (select 1 from early_receipts where tenant = :tenant limit :max) n) < :max""")
        .bind("tenant", tenant).bind("kind", key.wire).bind("key", value).bind("state", to.wireName())
        .bind("reason", failureReason).bind("suppress", suppressReason).bind("max", MAX_PER_TENANT)
        .execute() > 0);
  }

  private record Match(long receipt, UUID id, java.time.OffsetDateTime createdAt, String tenant, String channel,
      String address, DeliveryState to, String failureReason, String suppressReason) {}

  /**
   * Applies the receipts kept for these deliveries, just recorded as sent, in the order they
   * arrived; returns how many were applied. One indexed query when there are none.
   */
  static int applyFor(Handle h, List<DeliveryKey> sent) {
    if (sent.isEmpty()) {
      return 0;
    }
    String match = """
        select r.id as receipt, d.id, d.created_at, d.tenant, d.channel, d.address, r.state, r.failure_reason,
          r.suppress_reason
        from deliveries d join early_receipts r on r.tenant = d.tenant and r.key_kind = '%s' and r.key = %s
        where d.id = any(:ids) and d.created_at = any(cast(:createdAts as timestamptz[]))""";
    List<Match> matches = h.createQuery(match.formatted("delivery", "d.id::text") + " union all "
            + match.formatted("provider_message", "d.provider_message_id") + " order by receipt")
        .bindArray("ids", UUID.class, sent.stream().map(DeliveryKey::id).toList())
        .bindArray("createdAts", String.class, sent.stream().map(k -> k.createdAt().toString()).distinct().toList())
        .map((rs, ctx) -> new Match(rs.getLong("receipt"), rs.getObject("id", UUID.class),
            rs.getObject("created_at", java.time.OffsetDateTime.class), rs.getString("tenant"), rs.getString("channel"),
            rs.getString("address"), DeliveryState.fromWire(rs.getString("state")), rs.getString("failure_reason"),
            rs.getString("suppress_reason")))
        .list();
    List<Long> applied = new ArrayList<>();
    for (Match m : matches) {
      h.createUpdate("""
              update deliveries set state = :to, failure_reason = coalesce(:reason, failure_reason), updated_at = now()
              where id = :id and created_at = :createdAt and state = any(:from)""")
          .bind("to", m.to().wireName()).bind("reason", m.failureReason()).bind("id", m.id())
          .bind("createdAt", m.createdAt())
          .bindArray("from", String.class, movesFrom(m.to()).stream().map(DeliveryState::wireName).toList())
          .execute();
      if (m.suppressReason() != null && !m.address().startsWith("erased:")) {
        h.createUpdate("""
                insert into suppressions (tenant, channel, address, reason) values (:tenant, :channel, :address, :reason)
                on conflict do nothing""")
            .bind("tenant", m.tenant()).bind("channel", m.channel()).bind("address", m.address())
            .bind("reason", m.suppressReason()).execute();
      }
      applied.add(m.receipt());
    }
    if (!applied.isEmpty()) {
      h.createUpdate("delete from early_receipts where id = any(:ids)").bindArray("ids", Long.class, applied).execute();
    }
    return applied.size();
  }

  /** Drops receipts kept longer than {@link #KEPT_FOR}; returns how many. */
  public int expire() {
    return jdbi.withHandle(h -> h.createUpdate("delete from early_receipts where received_at < :before")
        .bind("before", ts(java.time.Instant.now().minus(KEPT_FOR))).execute());
  }
}
