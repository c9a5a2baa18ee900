package dev.herald.sandbox.faults;

import dev.herald.sandbox.process.StopSignal;
import dev.herald.testkit.sendgrid.ReceivedMail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fault scenarios: each drives real traffic through the API into its own namespace, injects
 * its fault into the real processes while the traffic flows, then counts at the simulator what
 * every delivery received.
 */
final class FaultSuite {
  /** A fault, injected while its scenario's traffic flows; it reports what it may have doubled. */
  @FunctionalInterface
  interface Fault {
    void inject(FaultSystem system, Run run) throws Exception;
  }

  record Scenario(String name, String fault, int deliveries, Fault inject) {}

  /** One scenario under way: its progress, and what its fault recorded. */
  static final class Run {
    final String namespace;
    final AtomicInteger window = new AtomicInteger();
    volatile Instant faultEnded;
    private final FaultSystem system;

    Run(String namespace, FaultSystem system) {
      this.namespace = namespace;
      this.system = system;
    }

    /** Waits until the simulator has at least {@code mails} of this namespace's mails. */
    void awaitMails(int mails) {
      awaitUntil(() -> mailsOf(system, namespace).size() >= mails, Duration.ofMinutes(3));
    }

    /** Calls under way at the provider now: each may be accepted and never recorded. */
    void countCallsInFlight() {
      window.addAndGet(system.sendgrid.requestsInFlight());
    }

    /**
     * Deliveries whose provider call started before a crash at {@code crashedAt} and that Herald
     * had not recorded as sent shortly after it: their dispatcher may have died holding the
     * outcome (or mid-call), and they may be sent again. Live dispatchers' unrecorded ones are
     * counted too, so this is an upper bound.
     */
    void countUnrecorded(Instant crashedAt) {
      // Calls under way at the crash finish at the simulator; live dispatchers record theirs.
      FaultSystem.pause(Duration.ofMillis(500));
      Set<String> called = mailsOf(system, namespace).stream().filter(m -> m.arrivedAt().isBefore(crashedAt))
          .map(m -> m.customArgs().get("herald_delivery_id")).collect(Collectors.toSet());
      List<String> sending = system.deliveries(namespace).getOrDefault("sending", List.of());
      window.addAndGet((int) sending.stream().filter(called::contains).count());
    }

    int mails() {
      return mailsOf(system, namespace).size();
    }

    void ended() {
      faultEnded = Instant.now();
    }
  }

  private final boolean quick;
  private final PrintStream out;

  FaultSuite(boolean quick, PrintStream out) {
    this.quick = quick;
    this.out = out;
  }

  private int size(int quickSize, int fullSize) {
    return quick ? quickSize : fullSize;
  }

  /** A fault that is injected once, after the first mails went out; its window is the calls under way then. */
  @FunctionalInterface
  interface Injection {
    void apply(FaultSystem system) throws Exception;
  }

  private static Scenario midRun(String name, String fault, int deliveries, Injection injection) {
    return new Scenario(name, fault, deliveries, (s, run) -> {
      run.awaitMails(500);
      run.countCallsInFlight();
      injection.apply(s);
      run.ended();
    });
  }

  List<Scenario> scenarios() {
    return List.of(
        new Scenario("dispatcher-kill", "a dispatcher SIGKILLed every 3 s (3 running) and another started",
            size(6_000, 100_000), (s, run) -> {
              run.awaitMails(200);
              int kills = 0;
              while (run.mails() < (quick ? 5_000 : 95_000) || kills < 3) {
                List<String> running = s.dispatchers();
                Instant killedAt = Instant.now();
                s.killDispatcher(running.get(ThreadLocalRandom.current().nextInt(running.size())));
                run.countUnrecorded(killedAt);
                s.startDispatcher();
                kills++;
                FaultSystem.pause(Duration.ofSeconds(3));
                if (kills >= (quick ? 3 : 40)) {
                  break;
                }
              }
              run.ended();
            }),
        new Scenario("operator-kill", "the operator SIGKILLed mid fan-out, restarted 2 s later", size(5_000, 20_000),
            (s, run) -> {
              awaitUntil(() -> s.deliveries(run.namespace).values().stream().mapToInt(List::size).sum() >= 1_000,
                  Duration.ofMinutes(2));
              s.killOperator();
              FaultSystem.pause(Duration.ofSeconds(2));
              s.startOperator();
              run.ended();
            }),
        midRun("nats-restart", "nats-server stopped mid-run, started again 2 s later",
            size(4_000, 20_000), s -> s.restartNats(Duration.ofSeconds(2))),
        midRun("postgres-restart-fast", "Postgres fast shutdown (SIGINT) mid-run, started again 1 s later",
            size(4_000, 20_000), s -> s.restartPostgres(StopSignal.INT, Duration.ofSeconds(1))),
        midRun("postgres-restart-immediate", "Postgres immediate shutdown (SIGQUIT) mid-run, started again 1 s later",
            size(4_000, 20_000), s -> s.restartPostgres(StopSignal.QUIT, Duration.ofSeconds(1))),
        midRun("postgres-pause", "Postgres SIGSTOPped for AckWait + 5 s while dispatchers hold messages",
            size(4_000, 20_000), s -> s.pausePostgres(FaultSystem.ACK_WAIT.plusSeconds(5))),
        new Scenario("provider-503", "the provider answers 503 to every call for " + (quick ? 15 : 60) + " s, then recovers",
            size(3_000, 20_000), (s, run) -> {
              run.awaitMails(300);
              Duration outage = Duration.ofSeconds(quick ? 15 : 60);
              s.sendgrid.failFor(outage, 503);
              FaultSystem.pause(outage);
              run.ended();
            }),
        new Scenario("provider-timeout-after-accept", "10 calls accepted by the provider after the send timeout (15 s)",
            size(2_000, 10_000), (s, run) -> {
              run.awaitMails(300);
              // Each held call is accepted after the dispatcher gave up on it: the duplicate window itself.
              s.sendgrid.delayNext(10, Duration.ofSeconds(17));
              run.window.addAndGet(10);
              awaitUntil(() -> s.sendgrid.pendingFaults() == 0, Duration.ofMinutes(1));
              FaultSystem.pause(Duration.ofSeconds(18));
              run.ended();
            }));
  }

  /** Runs every scenario against one system; returns their results in order. */
  List<FaultResult> run(Path state) throws IOException {
    List<FaultResult> results = new ArrayList<>();
    try (FaultSystem system = FaultSystem.start(state, 3)) {
      for (Scenario scenario : scenarios()) {
        out.printf("%-30s %s ...%n", scenario.name(), scenario.fault());
        FaultResult result = run(system, scenario);
        results.add(result);
        out.printf("%-30s %s: %d of %d delivered, %d lost, %d duplicated (window %d), recovered in %d ms%n",
            scenario.name(), result.passed() ? "ok" : "FAILED", result.delivered(), result.deliveries(), result.lost(),
            result.duplicated(), result.duplicateWindow(), result.recovery().toMillis());
      }
    }
    return results;
  }

  private FaultResult run(FaultSystem system, Scenario scenario) {
    Instant started = Instant.now();
    String ns = scenario.name();
    system.tenant(ns);
    String key = system.apiKey(ns);
    Run run = new Run(ns, system);
    Thread traffic = Thread.ofPlatform().name("traffic-" + ns).start(() -> {
      for (int batch = 0; batch * 1000 < scenario.deliveries(); batch++) {
        int from = batch * 1000;
        List<String> to = IntStream.range(from, Math.min(from + 1000, scenario.deliveries()))
            .mapToObj(i -> "r" + i + "@" + ns + ".example").toList();
        system.send(key, ns + "-" + batch, to, Duration.ofMinutes(2));
      }
    });
    Throwable faultError = null;
    try {
      scenario.inject().inject(system, run);
    } catch (Throwable e) {
      faultError = e;
      run.ended();
    }
    try {
      traffic.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Everything accepted has finished one way or another, or the wait ends.
    awaitUntil(() -> {
      Map<String, List<String>> byState = system.deliveries(ns);
      int rows = byState.values().stream().mapToInt(List::size).sum();
      int unfinished = Set.of("pending", "queued", "sending").stream()
          .mapToInt(st -> byState.getOrDefault(st, List.of()).size()).sum();
      return rows >= scenario.deliveries() && unfinished == 0;
    }, quick ? Duration.ofMinutes(3) : Duration.ofMinutes(10));
    List<ReceivedMail> mails = mailsOf(system, ns);
    Map<String, Long> perDelivery = mails.stream()
        .collect(Collectors.groupingBy(m -> m.customArgs().getOrDefault("herald_delivery_id", "?"), Collectors.counting()));
    Map<String, List<String>> byState = system.deliveries(ns);
    Set<String> ids = byState.values().stream().flatMap(List::stream).collect(Collectors.toSet());
    int lost = (int) ids.stream().filter(id -> !perDelivery.containsKey(id)).count()
        + Math.max(0, scenario.deliveries() - ids.size());
    int duplicated = (int) perDelivery.values().stream().mapToLong(n -> n - 1).sum();
    Instant ended = run.faultEnded == null ? started : run.faultEnded;
    Duration recovery = mails.stream().map(ReceivedMail::arrivedAt).filter(a -> a.isAfter(ended)).min(Instant::compareTo)
        .map(first -> Duration.between(ended, first)).orElse(Duration.ZERO);
    if (faultError != null) {
      out.printf("  the fault itself failed: %s%n", faultError);
      lost = Math.max(lost, 1);
    }
    Map<String, Integer> states = new HashMap<>();
    byState.forEach((state, list) -> states.put(state, list.size()));
    if (lost > 0) {
      out.printf("  deliveries by state: %s%n", states);
    }
    return new FaultResult(scenario.name(), scenario.fault(), scenario.deliveries(), perDelivery.size(), lost,
        duplicated, run.window.get(), recovery, Duration.between(started, Instant.now()));
  }

  static List<ReceivedMail> mailsOf(FaultSystem system, String ns) {
    String domain = "@" + ns + ".example";
    return system.sendgrid.mails().stream().filter(m -> m.toEmails().get(0).endsWith(domain)).toList();
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration atMost) {
    Instant deadline = Instant.now().plus(atMost);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        return;
      }
      FaultSystem.pause(Duration.ofMillis(250));
    }
  }
}
