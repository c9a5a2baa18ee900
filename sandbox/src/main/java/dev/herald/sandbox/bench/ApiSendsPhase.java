package dev.herald.sandbox.bench;

import dev.herald.sandbox.local.HeraldApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-recipient sends with an Idempotency-Key, as a service calls Herald for each of its events:
 * {@code clientsPerKey} concurrent clients for each API key, each sending its next request as soon
 * as the last was answered, for a fixed time.
 */
final class ApiSendsPhase {
  /**
   * Accepted sends per second, the refusals, and the accepted sends' latencies (milliseconds,
   * sorted).
   */
  record Result(
      double acceptedPerSecond, long accepted, long refused, double[] sortedMs, int clients) {
    double percentile(double p) {
      return Percentile.of(sortedMs, p);
    }
  }

  private final HeraldApi api;

  ApiSendsPhase(HeraldApi api) {
    this.api = api;
  }

  Result run(
      List<String> keys,
      int clientsPerKey,
      Duration during,
      java.util.function.LongConsumer progress) {
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    long started = System.nanoTime();
    long end = started + during.toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      String key = keys.get(k);
      for (int c = 0; c < clientsPerKey; c++) {
        String client = k + "-" + c;
        clients.add(
            Thread.ofVirtual()
                .name("api-client-" + client)
                .start(
                    () -> {
                      for (int n = 0; System.nanoTime() < end; n++) {
                        String body =
                            "{\"template\":\"bulk\",\"channels\":[\"email\"],\"priority\":\"normal\",\"data\":{\"run\":\"api-"
                                + client
                                + "-"
                                + n
                                + "\"},\"recipients\":[{\"email\":\"api-"
                                + client
                                + "-"
                                + n
                                + "@api.bench.example\"}]}";
                        long t0 = System.nanoTime();
                        int status =
                            api.status(
                                "POST", "/v1/notifications", key, body, "api-" + client + "-" + n);
                        if (status == 202 || status == 200) {
                          latencies.add((System.nanoTime() - t0) / 1e6);
                          progress.accept(accepted.incrementAndGet());
                        } else {
                          refused.incrementAndGet();
                        }
                      }
                    }));
      }
    }
    for (Thread t : clients) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new Result(
        accepted.get() / seconds, accepted.get(), refused.get(), sorted, clients.size());
  }
}
