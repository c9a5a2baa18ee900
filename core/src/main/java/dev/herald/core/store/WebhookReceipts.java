package dev.herald.core.store;

import org.jdbi.v3.core.Jdbi;

/**
 * Provider callbacks already honoured, by the provider's id for them (Twilio's MessageSid with the
 * status it reports, SendGrid's sg_event_id): a callback seen once has no effect again, even after
 * a restart.
 */
public final class WebhookReceipts {
  private final Jdbi jdbi;

  public WebhookReceipts(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Records the callback; false when it was recorded before (a replay or a provider's retry). */
  public boolean first(String tenant, String provider, String kind, String providerId) {
    return jdbi.withHandle(h -> h.createUpdate("""
            insert into webhook_receipts (tenant, provider, kind, provider_id)
            values (:tenant, :provider, :kind, :id) on conflict do nothing""")
        .bind("tenant", tenant).bind("provider", provider).bind("kind", kind).bind("id", providerId)
        .execute()) == 1;
  }

  /** Forgets a callback whose effect could not be applied, so that the provider's retry is honoured. */
  public void forget(String tenant, String provider, String kind, String providerId) {
    jdbi.useHandle(h -> h.createUpdate("""
            delete from webhook_receipts
            where tenant = :tenant and provider = :provider and kind = :kind and provider_id = :id""")
        .bind("tenant", tenant).bind("provider", provider).bind("kind", kind).bind("id", providerId).execute());
  }
}
