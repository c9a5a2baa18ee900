package dev.herald.core.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps daily delivery partitions created ahead and prunes the days past retention, without holding
 * up the writers of deliveries:
 *
 * <ul>
 *   <li>a partition is created as a table of its own and attached (never {@code CREATE TABLE ...
 *       PARTITION OF}, which locks out every writer);
 *   <li>a day past retention is detached {@code CONCURRENTLY}, then dropped as a table of its own;
 *       its notifications are deleted a batch per statement;
 *   <li>a day that still holds pending, queued or sending deliveries is kept, and logged, until
 *       they finish;
 *   <li>the Notification CRs of a pruned day are recorded in {@code pruned_notifications} first, so
 *       that they are never accepted again;
 *   <li>a detach or a drop interrupted by a crash is finished by the next run.
 * </ul>
 *
 * One replica runs it at a time (a session advisory lock); the others skip that run.
 */
public final class PartitionMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);

  /** Held by the replica running maintenance; another key serialises partition creation. */
  static final long LOCK = 7236964214190243842L;

  static final int DELETE_BATCH = 5000;
  private static final Pattern PARTITION = Pattern.compile("deliveries_p([0-9]{8})");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private final Jdbi jdbi;
  private final int daysAhead;
  private final int retentionDays;

  public PartitionMaintenance(Jdbi jdbi, int daysAhead, int retentionDays) {
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retention must be at least 1 day");
    }
    this.jdbi = jdbi;
    this.daysAhead = daysAhead;
    this.retentionDays = retentionDays;
  }

  /** What one run did; {@code skipped} when another replica was running it. */
  public record Result(
      boolean skipped, int created, int dropped, int kept, long notificationsDeleted) {}

  public Result run() {
    // One connection in autocommit for the whole run: the advisory lock is the session's, and
    // DETACH ... CONCURRENTLY must run outside a transaction.
    return jdbi.withHandle(
        h -> {
          if (!h.createQuery("select pg_try_advisory_lock(:key)")
              .bind("key", LOCK)
              .mapTo(Boolean.class)
              .one()) {
            LOG.debug("partition maintenance is running in another replica");
            return new Result(true, 0, 0, 0, 0);
          }
          try {
            return maintain(h);
          } finally {
            h.createQuery("select pg_advisory_unlock(:key)")
                .bind("key", LOCK)
                .mapTo(Boolean.class)
                .one();
          }
        });
  }

  /** Creates today's partition (and tomorrow's) if missing: an insert found none. */
  static void ensureToday(Jdbi jdbi) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    jdbi.useHandle(
        h -> {
          for (LocalDate d : List.of(today, today.plusDays(1))) {
            if (h.createQuery("select herald_ensure_delivery_partition(:d)")
                .bind("d", d)
                .mapTo(Boolean.class)
                .one()) {
              LOG.warn(
                  "delivery partition of {} was missing when a notification was accepted; created it",
                  d);
            }
          }
        });
  }

  private Result maintain(Handle h) {
    LocalDate today =
        h.createQuery("select (now() at time zone 'UTC')::date").mapTo(LocalDate.class).one();
    LocalDate cutoff = today.minusDays(retentionDays);
    int dropped = finishInterrupted(h, cutoff);
    int created =
        h.createQuery("select herald_ensure_delivery_partitions(:days)")
            .bind("days", daysAhead)
            .mapTo(Integer.class)
            .one();

    int kept = 0;
    for (Map.Entry<LocalDate, String> p : attached(h).entrySet()) {
      LocalDate day = p.getKey();
      if (!day.isBefore(cutoff)) {
        break;
      }
      String part = p.getValue();
      Map<String, Long> unfinished = unfinished(h, part);
      if (!unfinished.isEmpty()) {
        kept++;
        LOG.warn(
            "delivery partition {} is past the {}-day retention but holds unfinished deliveries {}: kept until "
                + "they finish",
            part,
            retentionDays,
            unfinished);
        continue;
      }
      recordPruned(h, day);
      h.execute("alter table deliveries detach partition " + part + " concurrently");
      dropped += dropOrReattach(h, part, day, true) ? 1 : 0;
    }
    long deleted = deleteNotificationsOfPrunedDays(h, cutoff);
    if (created > 0 || dropped > 0 || deleted > 0) {
      LOG.info(
          "delivery partitions: {} created, {} dropped, {} notifications deleted (retention {} days)",
          created,
          dropped,
          deleted,
          retentionDays);
    }
    return new Result(false, created, dropped, kept, deleted);
  }

  /**
   * A run that died mid-way leaves a partition detached pending (the process died in DETACH ...
   * CONCURRENTLY) or detached but not dropped: finish both. A day not past retention is attached
   * again, whatever detached it.
   */
  private int finishInterrupted(Handle h, LocalDate cutoff) {
    List<String> pending =
        h.createQuery(
                """
            select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'deliveries'::regclass and i.inhdetachpending""")
            .mapTo(String.class)
            .list();
    for (String part : pending) {
      if (day(part).isPresent()) {
        LOG.info("finishing the interrupted detach of delivery partition {}", part);
        h.execute("alter table deliveries detach partition " + part + " finalize");
      }
    }
    List<String> detached =
        h.createQuery(
                """
            select c.relname from pg_class c
            where c.relkind = 'r' and not c.relispartition
              and c.relnamespace = (select relnamespace from pg_class where oid = 'deliveries'::regclass)""")
            .mapTo(String.class)
            .list();
    int dropped = 0;
    for (String part : detached) {
      Optional<LocalDate> day = day(part);
      if (day.isPresent()) {
        dropped += dropOrReattach(h, part, day.get(), day.get().isBefore(cutoff)) ? 1 : 0;
      }
    }
    return dropped;
  }

  /**
   * Drops a detached partition of a day past retention; or, should it hold unfinished deliveries
   * after all (a fallback delivery added to the day as it was being detached), attaches it again.
   */
  private boolean dropOrReattach(Handle h, String part, LocalDate day, boolean expired) {
    Map<String, Long> unfinished = unfinished(h, part);
    if (expired && unfinished.isEmpty()) {
      h.execute("drop table " + part);
      return true;
    }
    LOG.warn(
        "detached delivery partition {} ({} unfinished deliveries {}): attached again",
        part,
        expired ? "past retention, but holding" : "within retention, holding",
        unfinished);
    h.execute(
        "alter table deliveries attach partition %s for values from ('%s') to ('%s')"
            .formatted(part, start(day), start(day.plusDays(1))));
    h.createUpdate(
            "delete from pruned_notifications where created_at >= :from and created_at < :to")
        .bind("from", NotificationStore.ts(start(day)))
        .bind("to", NotificationStore.ts(start(day.plusDays(1))))
        .execute();
    return false;
  }

  /** Deliveries of a partition not finished yet, by state. */
  private static Map<String, Long> unfinished(Handle h, String part) {
    Map<String, Long> byState = new TreeMap<>();
    h.createQuery(
            "select state, count(*) as n from "
                + part
                + " where state in ('pending', 'queued', 'sending') group by state")
        .map((rs, ctx) -> byState.put(rs.getString("state"), rs.getLong("n")))
        .list();
    return byState;
  }

  /**
   * Remembers the Notification CRs of a day before its rows go, so that they are never accepted
   * again.
   */
  private static void recordPruned(Handle h, LocalDate day) {
    h.createUpdate(
            """
            insert into pruned_notifications (tenant, source, source_ref, notification_id, created_at)
            select tenant, source, source_ref, id, created_at from notifications
            where created_at >= :from and created_at < :to and source = 'cr'
            on conflict do nothing""")
        .bind("from", NotificationStore.ts(start(day)))
        .bind("to", NotificationStore.ts(start(day.plusDays(1))))
        .execute();
  }

  /**
   * Deletes the notifications of the days before {@code cutoff} whose partition is gone, a batch
   * per statement (each its own transaction), so that no lock is held for long. Days whose
   * partition was kept keep their notifications.
   */
  private static long deleteNotificationsOfPrunedDays(Handle h, LocalDate cutoff) {
    var kept = attached(h).keySet();
    long deleted = 0;
    Instant from = Instant.EPOCH;
    while (true) {
      Optional<Instant> next =
          h.createQuery(
                  "select min(created_at) from notifications where created_at >= :from and created_at < :cutoff")
              .bind("from", NotificationStore.ts(from))
              .bind("cutoff", NotificationStore.ts(start(cutoff)))
              .mapTo(java.time.OffsetDateTime.class)
              .findOne()
              .map(java.time.OffsetDateTime::toInstant);
      if (next.isEmpty()) {
        return deleted;
      }
      LocalDate day = next.get().atOffset(ZoneOffset.UTC).toLocalDate();
      from = start(day.plusDays(1));
      if (kept.contains(day)) {
        continue;
      }
      recordPruned(h, day);
      int n;
      do {
        n =
            h.createUpdate(
                    """
                delete from notifications where id in (
                  select id from notifications where created_at >= :from and created_at < :to limit :batch)""")
                .bind("from", NotificationStore.ts(start(day)))
                .bind("to", NotificationStore.ts(start(day.plusDays(1))))
                .bind("batch", DELETE_BATCH)
                .execute();
        deleted += n;
      } while (n == DELETE_BATCH);
    }
  }

  /** The attached daily partitions, oldest first. */
  private static TreeMap<LocalDate, String> attached(Handle h) {
    TreeMap<LocalDate, String> byDay = new TreeMap<>();
    h.createQuery(
            """
            select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'deliveries'::regclass and not i.inhdetachpending and c.relkind = 'r'""")
        .mapTo(String.class)
        .forEach(name -> day(name).ifPresent(d -> byDay.put(d, name)));
    return byDay;
  }

  private static Optional<LocalDate> day(String partition) {
    Matcher m = PARTITION.matcher(partition);
    return m.matches() ? Optional.of(LocalDate.parse(m.group(1), DAY)) : Optional.empty();
  }

  private static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
