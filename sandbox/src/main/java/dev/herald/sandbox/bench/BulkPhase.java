package dev.herald.sandbox.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * One bulk drain: sends of {@value #PER_SEND} recipients each through the API (from {@value
 * #SENDERS} concurrent clients), then the time each delivery was recorded {@code sent} in Postgres.
 * The steady rate is the middle 80 % of the deliveries over the time they took: it leaves out the
 * ramp-up (the first sends being accepted) and the tail.
 */
final class BulkPhase {
  static final int PER_SEND = 1_000;
  static final int SENDERS = 4;

  /**
   * What a drain did.
   *
   * @param sentAtMillis when each delivery was recorded sent (epoch milliseconds), sorted
   * @param notSent deliveries not recorded sent when the phase ended (failed, or still unfinished)
   */
  record Result(
      String name,
      List<String> channels,
      int deliveries,
      double steadyPerSecond,
      Instant firstAccepted,
      Instant lastSent,
      long notSent,
      long[] sentAtMillis,
      Map<String, Double> cpuSeconds) {
    double wallSeconds() {
      return Duration.between(firstAccepted, lastSent).toMillis() / 1000.0;
    }
  }

  /**
   * What the phase sends: recipient {@code i}'s JSON, the channels, and deliveries per recipient.
   */
  record Plan(
      String name,
      List<String> channels,
      String priority,
      int recipients,
      IntFunction<String> recipient,
      int deliveriesPerRecipient) {
    int deliveries() {
      return recipients * deliveriesPerRecipient;
    }
  }

  private final BenchSystem system;
  private final Traffic traffic;
  private final ProcessMeter meter;

  BulkPhase(BenchSystem system, ProcessMeter meter) {
    this.system = system;
    this.traffic = new Traffic(system.api());
    this.meter = meter;
  }

  /**
   * Runs the plan's drain to its end (or {@code patience}); {@code sent} is told the deliveries the
   * simulators took.
   */
  Result run(Plan plan, String key, Duration patience, java.util.function.LongConsumer sent)
      throws SQLException {
    Map<String, Double> cpuBefore = meter.cpuSeconds();
    long simulatorsBefore = system.sims.accepted();
    int sends = (plan.recipients() + PER_SEND - 1) / PER_SEND;
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<Traffic.Accepted> accepted = new ConcurrentLinkedQueue<>();
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      senders.add(
          Thread.ofPlatform()
              .name("bench-sender-" + s)
              .start(
                  () -> {
                    for (int batch = next.getAndIncrement();
                        batch < sends;
                        batch = next.getAndIncrement()) {
                      int from = batch * PER_SEND;
                      List<String> recipients =
                          IntStream.range(from, Math.min(from + PER_SEND, plan.recipients()))
                              .mapToObj(plan.recipient())
                              .toList();
                      accepted.add(
                          traffic.send(
                              key,
                              plan.name() + "-" + batch + "-" + UUID.randomUUID(),
                              "bulk",
                              plan.channels(),
                              plan.priority(),
                              "{\"run\":\"" + plan.name() + "-" + batch + "\"}",
                              recipients));
                    }
                  }));
    }
    Instant deadline = Instant.now().plus(patience);
    for (Thread t : senders) {
      try {
        t.join(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // The simulators' counters are free to read; Postgres is asked only once they have it all.
    while (Instant.now().isBefore(deadline)
        && system.sims.accepted() - simulatorsBefore < plan.deliveries()) {
      sent.accept(system.sims.accepted() - simulatorsBefore);
      BenchSystem.pause(Duration.ofMillis(100));
    }
    sent.accept(system.sims.accepted() - simulatorsBefore);
    UUID[] notifications =
        accepted.stream().map(Traffic.Accepted::notification).toArray(UUID[]::new);
    while (Instant.now().isBefore(deadline) && unfinished(notifications) > 0) {
      BenchSystem.pause(Duration.ofMillis(200));
    }
    Map<String, Double> cpu = ProcessMeter.difference(cpuBefore, meter.cpuSeconds());
    long[] sentAt = sentAt(notifications);
    Instant first =
        accepted.stream().map(Traffic.Accepted::at).min(Instant::compareTo).orElse(Instant.now());
    Instant last =
        sentAt.length == 0 ? Instant.now() : Instant.ofEpochMilli(sentAt[sentAt.length - 1]);
    return new Result(
        plan.name(),
        plan.channels(),
        plan.deliveries(),
        steadyRate(sentAt),
        first,
        last,
        plan.deliveries() - sentAt.length,
        sentAt,
        cpu);
  }

  /** Deliveries per second over the middle 80 % of {@code sortedMillis}. */
  static double steadyRate(long[] sortedMillis) {
    int n = sortedMillis.length;
    if (n < 10) {
      return 0;
    }
    int from = n / 10;
    int to = n - 1 - n / 10;
    double seconds = Math.max(0.001, (sortedMillis[to] - sortedMillis[from]) / 1000.0);
    return (to - from) / seconds;
  }

  private long unfinished(UUID[] notifications) throws SQLException {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from deliveries where notification_id = any(?) and state in ('pending', 'queued', 'sending')")) {
      ps.setArray(1, c.createArrayOf("uuid", notifications));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long[] sentAt(UUID[] notifications) throws SQLException {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select (extract(epoch from sent_at) * 1000)::bigint from deliveries "
                    + "where notification_id = any(?) and state = 'sent' and sent_at is not null")) {
      Array ids = c.createArrayOf("uuid", notifications);
      ps.setArray(1, ids);
      ps.setFetchSize(10_000);
      List<Long> times = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          times.add(rs.getLong(1));
        }
      }
      long[] sorted = times.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      return sorted;
    }
  }
}
