package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.instant;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Where each dispatcher's circuit breaker for each provider stands. Dispatchers write a row on
 * every transition; the operator reads them into the DeliveryProvider's status.
 */
public final class CircuitStore {
  private final Jdbi jdbi;

  public CircuitStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** One dispatcher's circuit for one provider, and why it last changed. */
  public record Circuit(
      String tenant,
      String provider,
      String dispatcher,
      String state,
      String reason,
      Instant changedAt) {}

  public void record(
      String tenant, String provider, String dispatcher, String state, String reason) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            insert into provider_circuits (tenant, provider, dispatcher, state, reason, changed_at)
            values (:tenant, :provider, :dispatcher, :state, :reason, now())
            on conflict (tenant, provider, dispatcher)
            do update set state = excluded.state, reason = excluded.reason, changed_at = excluded.changed_at""")
                .bind("tenant", tenant)
                .bind("provider", provider)
                .bind("dispatcher", dispatcher)
                .bind("state", state)
                .bind("reason", reason)
                .execute());
  }

  /** Every circuit that is not closed, of every tenant, that changed after {@code since}. */
  public List<Circuit> notClosed(Instant since) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select tenant, provider, dispatcher, state, reason, changed_at from provider_circuits
            where state <> 'closed' and changed_at > :since
            order by tenant, provider, dispatcher""")
                .bind("since", NotificationStore.ts(since))
                .map(
                    (rs, ctx) ->
                        new Circuit(
                            rs.getString("tenant"),
                            rs.getString("provider"),
                            rs.getString("dispatcher"),
                            rs.getString("state"),
                            rs.getString("reason"),
                            instant(rs.getObject("changed_at", OffsetDateTime.class))))
                .list());
  }
}
