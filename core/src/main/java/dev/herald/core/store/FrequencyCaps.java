package dev.herald.core.store;

import org.jdbi.v3.core.Jdbi;

/**
 * A Campaign's {@code frequencyCap}, kept right before a send: the user's sends in the category
 * within the window are counted from the deliveries themselves — those sent, of every source
 * (transactional ones too), and those being sent now — under a transaction-scoped advisory lock on
 * (tenant, user, category), and a delivery over the cap is suppressed ({@link
 * DeliveryReasons#FREQUENCY_CAP}) in the same transaction. Two campaigns reaching one user at once
 * on two dispatchers are decided one after the other, each seeing the other's delivery: a cap of N
 * lets exactly N through.
 */
public final class FrequencyCaps {
  private final Jdbi jdbi;

  public FrequencyCaps(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Whether the claimed ({@code sending}) delivery {@code key} to {@code userId} may be sent; when
   * not, it is {@code suppressed} already.
   */
  public boolean admit(
      DeliveryKey key, String tenant, String userId, String category, Pacing.FrequencyCap cap) {
    return jdbi.inTransaction(
        h -> {
          h.createQuery(
                  "select 1 from (select pg_advisory_xact_lock(hashtextextended(:lock, 0))) l")
              .bind("lock", tenant + "/" + userId + "/" + category)
              .mapTo(Integer.class)
              .one();
          long others =
              h.createQuery(
                      """
                  select count(*) from deliveries d join notifications n on n.id = d.notification_id
                  where d.tenant = :tenant and d.user_id = :userId and n.category = :category
                    and d.id <> :id
                    and (d.state = 'sending' or d.sent_at > now() - make_interval(secs => :window))""")
                  .bind("tenant", tenant)
                  .bind("userId", userId)
                  .bind("category", category)
                  .bind("id", key.id())
                  .bind("window", (double) cap.window().toSeconds())
                  .mapTo(Long.class)
                  .one();
          if (others < cap.count()) {
            return true;
          }
          h.createUpdate(
                  """
              update deliveries set state = 'suppressed', failure_reason = :reason,
                last_error_code = null, last_error = null, updated_at = now()
              where id = :id and created_at = :createdAt and state = 'sending'""")
              .bind("reason", DeliveryReasons.FREQUENCY_CAP)
              .bind("id", key.id())
              .bind("createdAt", NotificationStore.ts(key.createdAt()))
              .execute();
          return false;
        });
  }
}
