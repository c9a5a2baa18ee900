package dev.herald.sandbox.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * One-time passwords: single-recipient, high-priority e-mails sent one after another at a steady
 * pace; each one's latency runs from the API's acceptance to its arrival at the SendGrid simulator.
 */
final class OtpPhase {
  /** The latencies of one series, in milliseconds, sorted. */
  record Latencies(String name, int sent, double[] sortedMs, int sentWhileBusy) {
    int received() {
      return sortedMs.length;
    }

    double percentile(double p) {
      if (sortedMs.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100.0 * sortedMs.length) - 1;
      return sortedMs[Math.clamp(index, 0, sortedMs.length - 1)];
    }
  }

  private final BenchSystem system;
  private final Traffic traffic;

  OtpPhase(BenchSystem system) {
    this.system = system;
    this.traffic = new Traffic(system.api());
  }

  /**
   * Sends {@code sends} one-time passwords {@code interval} apart and waits for them to arrive;
   * {@code busy} tells, at each send, whether the load it is measured under is still there.
   */
  Latencies run(String name, String key, int sends, Duration interval, BooleanSupplier busy,
      java.util.function.IntConsumer progress) {
    Map<String, Instant> accepted = new ConcurrentHashMap<>();
    int sentWhileBusy = 0;
    long start = System.nanoTime();
    for (int i = 0; i < sends; i++) {
      String code = name + "-" + i;
      boolean wasBusy = busy.getAsBoolean();
      Traffic.Accepted a = traffic.send(key, "otp-" + code, "otp", List.of("email"), "high",
          "{\"code\":\"" + code + "\"}", List.of(Traffic.email("otp-" + i + "@" + name + ".otp.bench.example")));
      accepted.put(code, a.at());
      if (wasBusy && busy.getAsBoolean()) {
        sentWhileBusy++;
      }
      progress.accept(i + 1);
      // a steady pace, as an application's users ask for codes: the next send waits its turn
      long due = start + (i + 1) * interval.toNanos();
      long wait = due - System.nanoTime();
      if (wait > 0) {
        BenchSystem.pause(Duration.ofNanos(wait));
      }
    }
    BenchSystem.await(() -> accepted.keySet().stream().allMatch(system.sims.otpArrivals()::containsKey),
        Duration.ofSeconds(60), "not every one-time password of " + name + " arrived");
    List<Double> ms = new ArrayList<>();
    accepted.forEach((code, at) -> {
      Instant arrived = system.sims.otpArrivals().get(code);
      if (arrived != null) {
        ms.add(Math.max(0, Duration.between(at, arrived).toNanos() / 1e6));
      }
    });
    return new Latencies(name, sends, ms.stream().mapToDouble(Double::doubleValue).sorted().toArray(), sentWhileBusy);
  }
}
