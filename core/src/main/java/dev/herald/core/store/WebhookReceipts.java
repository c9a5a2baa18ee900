package dev.herald.core.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Provider callbacks already honoured, by the provider's id for them (Twilio's MessageSid with the
 * status it reports, SendGrid's sg_event_id): a callback seen once has no effect again, even after
 * a restart. Each is remembered for {@link #KEPT}; every {@value #PRUNE_EVERY} recordings, older
 * ones are deleted.
 */
public final class WebhookReceipts {
  /** How long a callback is remembered: a replay older than this is honoured again. */
  public static final Duration KEPT = Duration.ofDays(400);

  static final int PRUNE_EVERY = 1000;
  private final Jdbi jdbi;
  private final AtomicLong recorded = new AtomicLong();

  public WebhookReceipts(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Records the callback; false when it was recorded before (a replay or a provider's retry). */
  public boolean first(String tenant, String provider, String kind, String providerId) {
    return jdbi.withHandle(
                h ->
                    h.createUpdate(
                            """
            insert into webhook_receipts (tenant, provider, kind, provider_id)
            values (:tenant, :provider, :kind, :id) on conflict do nothing""")
                        .bind("tenant", tenant)
                        .bind("provider", provider)
                        .bind("kind", kind)
                        .bind("id", providerId)
                        .execute())
            == 1
        && pruneNowAndThen();
  }

  private boolean pruneNowAndThen() {
    if (recorded.incrementAndGet() % PRUNE_EVERY == 0) {
      prune(KEPT);
    }
    return true;
  }

  /** Deletes callbacks recorded longer than {@code kept} ago; returns how many. */
  public int prune(Duration kept) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    "delete from webhook_receipts where received_at < now() - make_interval(secs => :secs)")
                .bind("secs", (double) kept.toSeconds())
                .execute());
  }

  /**
   * Forgets a callback whose effect could not be applied, so that the provider's retry is honoured.
   */
  public void forget(String tenant, String provider, String kind, String providerId) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            delete from webhook_receipts
            where tenant = :tenant and provider = :provider and kind = :kind and provider_id = :id""")
                .bind("tenant", tenant)
                .bind("provider", provider)
                .bind("kind", kind)
                .bind("id", providerId)
                .execute());
  }
}
