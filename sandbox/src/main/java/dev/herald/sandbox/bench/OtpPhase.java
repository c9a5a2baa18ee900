package dev.herald.sandbox.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * One-time passwords: single-recipient, high-priority e-mails sent at a steady pace; each one's
 * latency runs from its acceptance — the notification's {@code created_at}, written by the API as
 * it accepts, since under load the client may hear the answer after the mail has gone out — to its
 * arrival at the SendGrid simulator.
 */
final class OtpPhase {
  /** The latencies of one series, in milliseconds, sorted. */
  record Latencies(String name, int sent, double[] sortedMs, int sentWhileBusy) {
    int received() {
      return sortedMs.length;
    }

    double percentile(double p) {
      return Percentile.of(sortedMs, p);
    }
  }

  private final BenchSystem system;
  private final Traffic traffic;

  OtpPhase(BenchSystem system) {
    this.system = system;
    this.traffic = new Traffic(system.api());
  }

  /**
   * Sends {@code sends} one-time passwords {@code interval} apart — each at its time, whatever the
   * last one's answer took — and waits for them to arrive; {@code busy} tells, at each send,
   * whether the load it is measured under is still there.
   */
  Latencies run(
      String name,
      String key,
      int sends,
      Duration interval,
      BooleanSupplier busy,
      java.util.function.IntConsumer progress) {
    Map<String, java.util.UUID> accepted = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger sentWhileBusy =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> senders = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < sends; i++) {
      long wait = start + i * interval.toNanos() - System.nanoTime();
      if (wait > 0) {
        BenchSystem.pause(Duration.ofNanos(wait));
      }
      String code = name + "-" + i;
      String address = "otp-" + i + "@" + name + ".otp.bench.example";
      senders.add(
          Thread.ofVirtual()
              .name("otp-" + code)
              .start(
                  () -> {
                    boolean wasBusy = busy.getAsBoolean();
                    Traffic.Accepted a =
                        traffic.send(
                            key,
                            "otp-" + code,
                            "otp",
                            List.of("email"),
                            "high",
                            "{\"code\":\"" + code + "\"}",
                            List.of(Traffic.email(address)));
                    accepted.put(code, a.notification());
                    if (wasBusy && busy.getAsBoolean()) {
                      sentWhileBusy.incrementAndGet();
                    }
                    progress.accept(done.incrementAndGet());
                  }));
    }
    for (Thread t : senders) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    BenchSystem.await(
        () -> accepted.keySet().stream().allMatch(system.sims.otpArrivals()::containsKey),
        Duration.ofSeconds(60),
        "not every one-time password of " + name + " arrived");
    Map<java.util.UUID, Instant> createdAt = createdAt(accepted.values());
    List<Double> ms = new ArrayList<>();
    accepted.forEach(
        (code, notification) -> {
          Instant arrived = system.sims.otpArrivals().get(code);
          Instant at = createdAt.get(notification);
          if (arrived != null && at != null) {
            ms.add(Math.max(0, Duration.between(at, arrived).toNanos() / 1e6));
          }
        });
    return new Latencies(
        name,
        sends,
        ms.stream().mapToDouble(Double::doubleValue).sorted().toArray(),
        sentWhileBusy.get());
  }

  /** When the API accepted each notification, as it wrote it. */
  private Map<java.util.UUID, Instant> createdAt(
      java.util.Collection<java.util.UUID> notifications) {
    Map<java.util.UUID, Instant> at = new java.util.HashMap<>();
    try (java.sql.Connection c = system.postgres.connect();
        java.sql.PreparedStatement ps =
            c.prepareStatement("select id, created_at from notifications where id = any(?)")) {
      ps.setArray(1, c.createArrayOf("uuid", notifications.toArray()));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          at.put(rs.getObject(1, java.util.UUID.class), rs.getTimestamp(2).toInstant());
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot read when the one-time passwords were accepted", e);
    }
    return at;
  }
}
