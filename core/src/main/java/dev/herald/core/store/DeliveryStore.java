package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.instant;
import static dev.herald.core.store.NotificationStore.ts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateVariables;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Delivery state changes. Every change is a conditional UPDATE from the states it may leave, run in
 * batches: a repeated or late change matches no row and changes nothing.
 */
public final class DeliveryStore {
  private final Jdbi jdbi;

  /**
   * Postgres's order of uuids (bytewise). Every statement that changes many deliveries is given its
   * rows sorted in this order and takes them in it (a nested loop over {@code unnest(…)}), so that
   * two of them never wait for each other in a cycle.
   */
  static final java.util.Comparator<UUID> ROW_ORDER =
      (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0
            ? c
            : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
      };

  public DeliveryStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * A delivery the relay is about to publish, and which publication of it this is (1 for the
   * first).
   */
  public record Due(DeliveryMessage message, int publication) {
    /**
     * The message's {@code Nats-Msg-Id}: the delivery id for its first publication, and one of its
     * own for each later one (a delivery that waited in Postgres and is due again), which the
     * stream's de-duplication window would otherwise drop. A publish repeated after a failed relay
     * transaction reuses the id, so the stream drops it.
     */
    public String messageId() {
      return publication <= 1
          ? message.deliveryId().toString()
          : message.deliveryId() + ":" + publication;
    }
  }

  /**
   * The relay's backlog: deliveries {@code pending} and due (counted up to {@code cap}), and how
   * long the one due longest has been due ({@link java.time.Duration#ZERO} when none is).
   * Deliveries waiting for a later time (a backoff, a throttle, a schedule) are not behind.
   */
  public record Backlog(long due, java.time.Duration oldestDue) {}

  /**
   * Reads the backlog through the partial index of pending deliveries; the cap bounds the cost of a
   * sample when millions are due at once (a campaign being published).
   */
  public Backlog backlog(int cap) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    // The oldest per priority is the first entry of the index for that priority.
                    """
                    select
                      (select count(*) from (select 1 from deliveries
                         where state = 'pending' and next_attempt_at <= now() limit :cap) due),
                      coalesce(extract(epoch from now() - least(
                        (select min(next_attempt_at) from deliveries where state = 'pending' and priority = 0),
                        (select min(next_attempt_at) from deliveries where state = 'pending' and priority = 1),
                        (select min(next_attempt_at) from deliveries where state = 'pending' and priority = 2))), 0)
                    """)
                .bind("cap", cap)
                .map(
                    (rs, ctx) ->
                        new Backlog(
                            rs.getLong(1),
                            java.time.Duration.ofMillis(
                                Math.max(0, Math.round(rs.getDouble(2) * 1000)))))
                .one());
  }

  /**
   * Takes up to {@code limit} deliveries that are {@code pending} and due, high priority first, for
   * the relay to publish: marks them {@code queued}, with no stream sequence yet, and counts the
   * publication each is about to be. The caller commits before publishing, so that no row stays
   * locked while the stream acknowledges: a dispatcher that receives one of the messages at once
   * claims it without waiting. Rows another relay holds are skipped. A publish that fails is undone
   * by {@link #unpublished}; a relay that dies before {@link #recordSequences} leaves rows the
   * sweeper finds ({@link #stranded}). A throttled notification's deliveries beyond its pace are
   * not returned but deferred to their slots ({@link CampaignThrottle}).
   */
  public List<Due> takeDue(Handle h, int limit) {
    return take(h, limit).publish();
  }

  /**
   * What one relay pass took: the deliveries to publish, and how many more it took only to defer
   * them to their throttle's slots (a full pass either way: the relay goes on without waiting).
   */
  public record Taking(List<Due> publish, int deferred) {
    public int taken() {
      return publish.size() + deferred;
    }
  }

  /** As {@link #takeDue}, saying how many were deferred. */
  public Taking take(Handle h, int limit) {
    // Deliveries whose throttle slot has come first, then what is due by priority.
    List<CampaignThrottle.Taken> taken = new ArrayList<>(takeWhere(h, THROTTLE_SLOTS_DUE, limit));
    if (taken.size() < limit) {
      taken.addAll(takeWhere(h, DUE_BY_PRIORITY, limit - taken.size()));
    }
    taken.sort(
        java.util.Comparator.comparing((CampaignThrottle.Taken t) -> t.due().message().priority()));
    List<Due> publish = CampaignThrottle.pace(h, taken);
    return new Taking(publish, taken.size() - publish.size());
  }

  private static final String THROTTLE_SLOTS_DUE =
      "select id, created_at from deliveries where state = 'pending' and last_error_code = '"
          + DeliveryReasons.CAMPAIGN_THROTTLE
          + "' and next_attempt_at <= now() order by next_attempt_at limit :limit for update skip locked";

  private static final String DUE_BY_PRIORITY =
      "select id, created_at from deliveries where state = 'pending' and next_attempt_at <= now() "
          + "order by priority, next_attempt_at limit :limit for update skip locked";

  private static List<CampaignThrottle.Taken> takeWhere(Handle h, String due, int limit) {
    return h.createQuery(
            "update deliveries d set state = 'queued', publications = d.publications + 1, "
                + "stream_seq = null, updated_at = now() from ("
                + due
                + ") due where d.id = due.id and d.created_at = due.created_at returning d.publications, d.id, d.created_at, "
                + "d.notification_id, d.tenant, d.channel, d.platform, d.address, d.user_id, d.locale, d.priority, "
                + "d.expires_at, d.last_error_code")
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new CampaignThrottle.Taken(
                    new Due(message(rs), rs.getInt("publications")),
                    DeliveryReasons.CAMPAIGN_THROTTLE.equals(rs.getString("last_error_code"))))
        .list();
  }

  /**
   * Deliveries taken whose publish failed: {@code pending} again, due now, unless a dispatcher or a
   * cancel moved them meanwhile. Their next publication has an id of its own.
   */
  public void unpublished(List<Due> unsorted) {
    if (unsorted.isEmpty()) {
      return;
    }
    List<Due> failed =
        unsorted.stream()
            .sorted(java.util.Comparator.comparing((Due d) -> d.message().deliveryId(), ROW_ORDER))
            .toList();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            update deliveries d set state = 'pending', updated_at = now()
            from unnest(cast(:ids as uuid[]), cast(:createdAts as timestamptz[]), cast(:publications as int[]))
              as f(id, created_at, publication)
            where d.id = f.id and d.created_at = f.created_at
              and d.created_at = any(cast(:partitions as timestamptz[]))
              and d.state = 'queued' and d.stream_seq is null and d.publications = f.publication""")
                .bindArray(
                    "ids", UUID.class, failed.stream().map(f -> f.message().deliveryId()).toList())
                .bindArray(
                    "createdAts",
                    String.class,
                    failed.stream().map(f -> f.message().createdAt().toString()).toList())
                .bindArray(
                    "publications", Integer.class, failed.stream().map(Due::publication).toList())
                .bindArray(
                    "partitions",
                    String.class,
                    failed.stream()
                        .map(f -> f.message().createdAt().toString())
                        .distinct()
                        .toList())
                .execute());
  }

  private static final String MESSAGE_COLUMNS =
      """
      id, created_at, notification_id, tenant, channel, platform, address, user_id, locale, priority,
      expires_at""";

  private static DeliveryMessage message(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new DeliveryMessage(
        rs.getObject("id", UUID.class),
        rs.getObject("notification_id", UUID.class),
        instant(rs.getObject("created_at", OffsetDateTime.class)),
        rs.getString("tenant"),
        Channel.fromWire(rs.getString("channel")),
        rs.getString("platform"),
        rs.getString("address"),
        rs.getString("user_id"),
        rs.getString("locale"),
        Priority.values()[rs.getShort("priority")],
        instant(rs.getObject("expires_at", OffsetDateTime.class)));
  }

  /**
   * A delivery that has sat {@code queued} or {@code sending} a while, where its message should be
   * ({@code streamSequence}; none when the relay published it but never recorded where — it died,
   * or Postgres went away, in between), which publication it is, and its place in the oldest-first
   * order ({@code updatedAt}, id) to page on from.
   */
  public record Stranded(
      DeliveryMessage message,
      Long streamSequence,
      int publications,
      java.time.Instant updatedAt) {}

  /**
   * Deliveries unchanged for longer than {@code olderThan} while {@code queued} or {@code sending}
   * with a stream sequence, or {@code queued} without one, oldest first, after {@code after}
   * (exclusive) when given.
   */
  public List<Stranded> stranded(java.time.Duration olderThan, Stranded after, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "select "
                        + MESSAGE_COLUMNS
                        + """
            , stream_seq, publications, updated_at from deliveries
            where state in ('queued', 'sending') and (stream_seq is not null or state = 'queued')
              and updated_at < now() - make_interval(secs => :seconds)
              and (cast(:afterAt as timestamptz) is null or (updated_at, id) > (:afterAt, :afterId))
            order by updated_at, id
            limit :limit""")
                .bind("seconds", (double) olderThan.toMillis() / 1000.0)
                .bind("afterAt", after == null ? null : ts(after.updatedAt()))
                .bind("afterId", after == null ? null : after.message().deliveryId())
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new Stranded(
                            message(rs),
                            rs.getObject("stream_seq", Long.class),
                            rs.getInt("publications"),
                            instant(rs.getObject("updated_at", OffsetDateTime.class))))
                .list());
  }

  /**
   * Records that a stranded delivery was published again, at {@code newSequence}, if the row is as
   * the sweep saw it. Its state stays: a {@code sending} row keeps its old claim, so that the copy
   * is claimed at once (its dispatcher died); a row that changed meanwhile — a dispatcher claimed
   * it from a message it still held — is left alone, and the copy finds it claimed.
   */
  public boolean requeue(Stranded seen, long newSequence) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            update deliveries set stream_seq = :newSeq,
              updated_at = case when state = 'queued' then now() else updated_at end
            where id = :id and created_at = :createdAt and state in ('queued', 'sending')
              and stream_seq is not distinct from cast(:oldSeq as bigint) and updated_at = :seenAt""")
                    .bind("newSeq", newSequence)
                    .bind("oldSeq", seen.streamSequence())
                    .bind("seenAt", ts(seen.updatedAt()))
                    .bind("id", seen.message().deliveryId())
                    .bind("createdAt", ts(seen.message().createdAt()))
                    .execute()
                > 0);
  }

  /** A delivery the stream accepted: which publication of it, and the stream sequence it got. */
  public record Queued(DeliveryKey key, int publication, long streamSequence) {}

  /**
   * Records where each published message sits in the stream, in one statement, on deliveries still
   * in the stream ({@code queued}, or {@code sending} by a dispatcher that was quicker) from that
   * publication; the sweeper checks them against it.
   *
   * <p>A row another transaction holds is skipped, not waited for: a dispatcher claiming it (it is
   * then {@code sending}, and JetStream redelivers the message if that dispatcher dies) or a
   * cancel. Waiting made every claim of a just-published row queue behind the record and the record
   * behind the claims; rows are locked in id order, so the record never deadlocks with a batch
   * either.
   */
  public void recordSequences(Handle h, List<Queued> unsorted) {
    if (unsorted.isEmpty()) {
      return;
    }
    List<Queued> queued =
        unsorted.stream()
            .sorted(java.util.Comparator.comparing((Queued q) -> q.key().id(), ROW_ORDER))
            .toList();
    h.createUpdate(
            """
            with q as (
              select * from unnest(cast(:ids as uuid[]), cast(:createdAts as timestamptz[]),
                  cast(:publications as int[]), cast(:seqs as bigint[])) as q(id, created_at, publication, seq)
            ), free as (
              select d.id, d.created_at, q.seq from deliveries d join q on d.id = q.id and d.created_at = q.created_at
              where d.created_at = any(cast(:partitions as timestamptz[]))
                and d.state in ('queued', 'sending') and d.stream_seq is null and d.publications = q.publication
              order by d.id
              for update of d skip locked
            )
            update deliveries d set stream_seq = free.seq from free
            where d.id = free.id and d.created_at = free.created_at""")
        .bindArray("ids", UUID.class, queued.stream().map(q -> q.key().id()).toList())
        .bindArray(
            "createdAts",
            String.class,
            queued.stream().map(q -> q.key().createdAt().toString()).toList())
        .bindArray("publications", Integer.class, queued.stream().map(Queued::publication).toList())
        .bindArray("seqs", Long.class, queued.stream().map(Queued::streamSequence).toList())
        .bindArray(
            "partitions",
            String.class,
            queued.stream().map(q -> q.key().createdAt().toString()).distinct().toList())
        .execute();
  }

  /**
   * {@code pending | queued → sending} for each key, and {@code sending → sending} for one claimed
   * longer than {@code lease} ago; returns the claimed ones with the number of sends attempted so
   * far, the recipient's consent as it stands now and the user's attributes as they are now (what
   * its template renders with). A delivery already finished (sent, failed, cancelled …) is not
   * claimed: its message is a redelivery and is acknowledged without sending. One {@code sending}
   * since before the lease is claimed again: its dispatcher died before recording an outcome, and
   * JetStream redelivered it (the lease is AckWait: a live dispatcher keeps its message from being
   * redelivered). One claimed within the lease is another copy of a message that a live dispatcher
   * is handling, and is not claimed: two copies of one delivery in the stream (a publish that
   * landed late, after a broker outage) are never sent twice. A dispatcher checking its own claim
   * again passes a lease of zero.
   */
  public Map<UUID, Claim> claim(List<DeliveryKey> keys, java.time.Duration lease) {
    Map<UUID, Claim> claimed = new HashMap<>();
    if (keys.isEmpty()) {
      return claimed;
    }
    List<DeliveryKey> inRowOrder =
        keys.stream()
            .distinct()
            .sorted(java.util.Comparator.comparing(DeliveryKey::id, ROW_ORDER))
            .toList();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
            update deliveries d set state = 'sending', updated_at = now()
            from unnest(cast(:ids as uuid[]), cast(:keyCreatedAts as timestamptz[])) as k(id, created_at)
            where d.id = k.id and d.created_at = k.created_at
              and d.created_at = any(cast(:createdAts as timestamptz[]))
              and (d.state in ('pending', 'queued')
                   or (d.state = 'sending' and d.updated_at <= now() - make_interval(secs => :lease)))
            returning d.id, d.attempts, d.publications,
              (select s.reason from suppressions s
                where s.tenant = d.tenant and s.channel = d.channel and s.address = d.address) as suppression,
              d.channel <> 'push' or exists (select 1 from devices v
                where v.tenant = d.tenant and v.platform = d.platform and v.token = d.address and v.active)
                as device_active,
              (select v.p256dh from devices v where d.channel = 'push' and v.tenant = d.tenant
                and v.platform = d.platform and v.token = d.address) as p256dh,
              (select v.auth from devices v where d.channel = 'push' and v.tenant = d.tenant
                and v.platform = d.platform and v.token = d.address) as auth,
              (select json_agg(json_build_array(p.channel, p.category, p.opted_in)) from preferences p
                where p.tenant = d.tenant and p.user_id = d.user_id)::text as preferences,
              (select json_build_array(u.attributes, u.locale, u.time_zone) from users u
                where u.tenant = d.tenant and u.user_id = d.user_id)::text as user_now""")
                .bindArray("ids", UUID.class, inRowOrder.stream().map(DeliveryKey::id).toList())
                .bindArray(
                    "keyCreatedAts",
                    String.class,
                    inRowOrder.stream().map(k -> k.createdAt().toString()).toList())
                .bindArray(
                    "createdAts",
                    String.class,
                    keys.stream().map(k -> k.createdAt().toString()).distinct().toList())
                .bind("lease", lease.toMillis() / 1000.0)
                .map(
                    (rs, ctx) ->
                        claimed.put(
                            rs.getObject("id", UUID.class),
                            new Claim(
                                rs.getInt("attempts"),
                                rs.getString("suppression"),
                                rs.getBoolean("device_active"),
                                preferences(rs.getString("preferences")),
                                rs.getInt("publications"),
                                webPushKeys(rs.getString("p256dh"), rs.getString("auth")),
                                user(rs.getString("user_now")))))
                .list());
    return claimed;
  }

  /**
   * Of deliveries that {@link #claim} did not claim, those another dispatcher holds within the
   * lease, and how much of it is left.
   */
  public Map<UUID, java.time.Duration> heldElsewhere(
      List<DeliveryKey> keys, java.time.Duration lease) {
    Map<UUID, java.time.Duration> held = new HashMap<>();
    if (keys.isEmpty()) {
      return held;
    }
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
            select id, extract(epoch from (updated_at + make_interval(secs => :lease) - now())) * 1000 as left_ms
            from deliveries
            where id = any(:ids) and created_at = any(cast(:createdAts as timestamptz[])) and state = 'sending'""")
                .bindArray("ids", UUID.class, keys.stream().map(DeliveryKey::id).toList())
                .bindArray(
                    "createdAts",
                    String.class,
                    keys.stream().map(k -> k.createdAt().toString()).distinct().toList())
                .bind("lease", lease.toMillis() / 1000.0)
                .map(
                    (rs, ctx) ->
                        held.put(
                            rs.getObject("id", UUID.class),
                            java.time.Duration.ofMillis(
                                Math.max(0L, (long) Math.ceil(rs.getDouble("left_ms"))))))
                .list());
    return held;
  }

  private static dev.herald.core.webpush.WebPushKeys webPushKeys(String p256dh, String auth) {
    return p256dh == null || auth == null
        ? null
        : new dev.herald.core.webpush.WebPushKeys(p256dh, auth);
  }

  /** The user as {@code [attributes, locale, time_zone]}, or null for no user row. */
  private static TemplateVariables.User user(String json) {
    if (json == null) {
      return null;
    }
    JsonNode row = Json.read(json, JsonNode.class);
    return new TemplateVariables.User(row.get(0), text(row.get(1)), text(row.get(2)));
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static List<Preference> preferences(String json) {
    if (json == null) {
      return List.of();
    }
    // [[channel, category, optedIn], …] as json_agg built it.
    List<Preference> result = new ArrayList<>();
    for (JsonNode p : Json.read(json, JsonNode.class)) {
      result.add(new Preference(p.get(0).asText(), p.get(1).asText(), p.get(2).asBoolean()));
    }
    return result;
  }

  /**
   * Records outcomes of deliveries in {@code sending}; returns which rows moved. A {@code sent}
   * outcome is also recorded on a delivery cancelled while its provider call was under way: it did
   * reach the provider, and status must say so.
   */
  public boolean[] record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return new boolean[0];
    }
    int[] counts =
        jdbi.inTransaction(
            h -> {
              int[] moved =
                  distinctKeys(outcomes) ? recordAll(h, outcomes) : recordEach(h, outcomes);
              EarlyReceipts.applyRecorded(h, outcomes, moved);
              return moved;
            });
    boolean[] moved = new boolean[counts.length];
    for (int i = 0; i < counts.length; i++) {
      moved[i] = counts[i] > 0;
    }
    return moved;
  }

  private static final String RECORD_SET =
      """
      state = o.state,
      attempts = d.attempts + o.attempted,
      provider = coalesce(o.provider, d.provider),
      provider_message_id = coalesce(o.provider_message_id, d.provider_message_id),
      last_error_code = o.error_code,
      last_error = o.error,
      failure_reason = o.failure_reason,
      next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at),
      sent_at = case when o.state = 'sent' then now() else d.sent_at end,
      updated_at = now()""";

  private static final String RECORD_WHERE =
      "(d.state = 'sending' or (d.state = 'cancelled' and o.state = 'sent'))";

  private static boolean distinctKeys(List<Outcome> outcomes) {
    return outcomes.stream().map(o -> o.key().id()).distinct().count() == outcomes.size();
  }

  /** One statement for the whole batch: the rows it returns are those that moved. */
  private static int[] recordAll(Handle h, List<Outcome> given) {
    List<Outcome> outcomes =
        given.stream()
            .sorted(java.util.Comparator.comparing((Outcome o) -> o.key().id(), ROW_ORDER))
            .toList();
    java.util.Set<UUID> moved =
        new java.util.HashSet<>(
            h.createQuery(
                    "update deliveries d set "
                        + RECORD_SET
                        + """

            from unnest(cast(:ids as uuid[]), cast(:createdAts as timestamptz[]), cast(:states as text[]),
                cast(:attempted as int[]), cast(:providers as text[]), cast(:messageIds as text[]),
                cast(:errorCodes as text[]), cast(:errors as text[]), cast(:failureReasons as text[]),
                cast(:nextAttemptAts as timestamptz[]))
              as o(id, created_at, state, attempted, provider, provider_message_id, error_code, error,
                failure_reason, next_attempt_at)
            where d.id = o.id and d.created_at = o.created_at
              and d.created_at = any(cast(:partitions as timestamptz[])) and """
                        + RECORD_WHERE
                        + """

            returning d.id""")
                .bindArray("ids", UUID.class, outcomes.stream().map(o -> o.key().id()).toList())
                .bindArray(
                    "createdAts",
                    String.class,
                    outcomes.stream().map(o -> o.key().createdAt().toString()).toList())
                .bindArray(
                    "states",
                    String.class,
                    outcomes.stream().map(o -> o.state().wireName()).toList())
                .bindArray(
                    "attempted",
                    Integer.class,
                    outcomes.stream().map(o -> o.attempted() ? 1 : 0).toList())
                .bindArray(
                    "providers", String.class, outcomes.stream().map(Outcome::provider).toList())
                .bindArray(
                    "messageIds",
                    String.class,
                    outcomes.stream().map(Outcome::providerMessageId).toList())
                .bindArray(
                    "errorCodes", String.class, outcomes.stream().map(Outcome::errorCode).toList())
                .bindArray(
                    "errors",
                    String.class,
                    outcomes.stream().map(o -> truncate(o.error(), 1000)).toList())
                .bindArray(
                    "failureReasons",
                    String.class,
                    outcomes.stream().map(Outcome::failureReason).toList())
                .bindArray(
                    "nextAttemptAts",
                    String.class,
                    outcomes.stream()
                        .map(o -> o.nextAttemptAt() == null ? null : o.nextAttemptAt().toString())
                        .toList())
                .bindArray(
                    "partitions",
                    String.class,
                    outcomes.stream().map(o -> o.key().createdAt().toString()).distinct().toList())
                .mapTo(UUID.class)
                .list());
    int[] counts = new int[given.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = moved.contains(given.get(i).key().id()) ? 1 : 0;
    }
    return counts;
  }

  /**
   * A statement per outcome, in order: two outcomes of one delivery in a batch (rare) each see the
   * row as the one before left it, so only the first moves it.
   */
  private static int[] recordEach(Handle h, List<Outcome> outcomes) {
    PreparedBatch batch =
        h.prepareBatch(
            "update deliveries d set "
                + RECORD_SET
                + """

        from (select cast(:state as text) as state, cast(:attempted as int) as attempted,
            cast(:provider as text) as provider, cast(:providerMessageId as text) as provider_message_id,
            cast(:errorCode as text) as error_code, cast(:error as text) as error,
            cast(:failureReason as text) as failure_reason,
            cast(:nextAttemptAt as timestamptz) as next_attempt_at) o
        where d.id = :id and d.created_at = :createdAt and """
                + RECORD_WHERE);
    for (Outcome o : outcomes) {
      batch
          .bind("state", o.state().wireName())
          .bind("attempted", o.attempted() ? 1 : 0)
          .bind("provider", o.provider())
          .bind("providerMessageId", o.providerMessageId())
          .bind("errorCode", o.errorCode())
          .bind("error", truncate(o.error(), 1000))
          .bind("failureReason", o.failureReason())
          .bind("nextAttemptAt", ts(o.nextAttemptAt()))
          .bind("id", o.key().id())
          .bind("createdAt", ts(o.key().createdAt()))
          .add();
    }
    return batch.execute();
  }

  /**
   * Makes the waiting deliveries of a tenant's channel that wait for {@code reason} (a provider to
   * become Ready, a circuit to close) due now; returns how many.
   */
  public int wake(String tenant, Channel channel, String reason) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    """
            update deliveries set next_attempt_at = now()
            where state = 'pending' and tenant = :tenant and channel = :channel and last_error_code = :reason
              and next_attempt_at > now()""")
                .bind("tenant", tenant)
                .bind("channel", channel.wireName())
                .bind("reason", reason)
                .execute());
  }

  /** The state of one delivery, for tests and the API. */
  public DeliveryState state(DeliveryKey key) {
    return jdbi.withHandle(
        h ->
            h.createQuery("select state from deliveries where id = :id and created_at = :createdAt")
                .bind("id", key.id())
                .bind("createdAt", ts(key.createdAt()))
                .mapTo(String.class)
                .findOne()
                .map(DeliveryState::fromWire)
                .orElse(null));
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /** A delivery a provider's receipt is about, with what a suppression or opt-out needs. */
  public record ReceiptTarget(
      UUID id, Channel channel, String address, String userId, String category) {}

  /**
   * The delivery of a tenant with this id ({@code byProviderMessageId} false) or provider message
   * id (true); empty when there is none — a forged or foreign id finds nothing.
   */
  public java.util.Optional<ReceiptTarget> receiptTarget(
      String tenant, boolean byProviderMessageId, String value) {
    UUID id = null;
    if (!byProviderMessageId) {
      try {
        id = UUID.fromString(value);
      } catch (IllegalArgumentException e) {
        return java.util.Optional.empty();
      }
    }
    UUID deliveryId = id;
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select d.id, d.channel, d.address, d.user_id, n.category from deliveries d
            join notifications n on n.id = d.notification_id
            where d.tenant = :tenant and %s
            limit 1"""
                        .formatted(
                            byProviderMessageId ? "d.provider_message_id = :value" : "d.id = :id"))
                .bind("tenant", tenant)
                .bind("value", value)
                .bind("id", deliveryId)
                .map(
                    (rs, ctx) ->
                        new ReceiptTarget(
                            rs.getObject("id", UUID.class),
                            Channel.fromWire(rs.getString("channel")),
                            rs.getString("address"),
                            rs.getString("user_id"),
                            rs.getString("category")))
                .findOne());
  }
}
