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
 * The fault scenarios: each drives real traffic through the API into its own namespace, injects its
 * fault into the real processes while the traffic flows, then counts at the simulator what every
 * delivery received.
 */
final class FaultSuite {
  /** A fault, injected while its scenario's traffic flows; it reports what it may have doubled. */
  @FunctionalInterface
  interface Fault {
    void inject(FaultSystem system, Run run) throws Exception;
  }

  /**
   * @param perSend recipients per API send (1000 for a bulk drain; 1 for sends whose latency
   *     counts; 0 for none, when the setup starts a Campaign)
   * @param natsNodes nats-server processes the scenario's system runs (more than one: a JetStream
   *     cluster)
   * @param setup what must be in place before the traffic starts (nothing when null)
   */
  record Scenario(
      String name,
      String fault,
      int deliveries,
      int perSend,
      int natsNodes,
      Fault setup,
      Fault inject) {
    Scenario(String name, String fault, int deliveries, Fault inject) {
      this(name, fault, deliveries, 1000, 1, null, inject);
    }
  }

  /** What a noisy tenant may cost another namespace's sends on the same lane (README states it). */
  static final Duration NOISY_NEIGHBOUR_BOUND = Duration.ofSeconds(10);

  /** One scenario under way: its progress, and what its fault recorded. */
  static final class Run {
    final String namespace;
    final AtomicInteger window = new AtomicInteger();

    /**
     * When each send of the traffic (by its Idempotency-Key, which the mail's subject carries) was
     * accepted.
     */
    final Map<String, Instant> accepted = new java.util.concurrent.ConcurrentHashMap<>();

    /** Deliveries of other namespaces the scenario involved, lost or doubled. */
    final AtomicInteger otherLost = new AtomicInteger();

    final AtomicInteger otherDuplicated = new AtomicInteger();
    volatile String note = "";
    volatile boolean withinBound = true;
    volatile boolean trafficDone;
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
     * Deliveries the provider has accepted by half a second after a crash and that Herald still has
     * not recorded as sent: their dispatcher may have died holding the outcome (or mid-call), and
     * they may be sent again. A request the killed process wrote before the kill can reach the
     * simulator after it (on a busy machine, by hundreds of milliseconds), so arrival before the
     * kill instant is not required. Live dispatchers' unrecorded ones are counted too, so this is
     * an upper bound.
     */
    void countUnrecorded() {
      // Calls under way at the crash finish at the simulator; live dispatchers record theirs.
      FaultSystem.pause(Duration.ofMillis(500));
      Set<String> called =
          mailsOf(system, namespace).stream()
              .map(m -> m.customArgs().get("herald_delivery_id"))
              .collect(Collectors.toSet());
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

  private final Set<String> only;

  FaultSuite(boolean quick, PrintStream out) {
    this(quick, out, Set.of());
  }

  /** Only the scenarios named in {@code only}, unless it is empty. */
  FaultSuite(boolean quick, PrintStream out, Set<String> only) {
    this.quick = quick;
    this.out = out;
    this.only = Set.copyOf(only);
  }

  private int size(int quickSize, int fullSize) {
    return quick ? quickSize : fullSize;
  }

  /**
   * A fault that is injected once, after the first mails went out; its window is the calls under
   * way then.
   */
  @FunctionalInterface
  interface Injection {
    void apply(FaultSystem system) throws Exception;
  }

  private static Scenario midRun(String name, String fault, int deliveries, Injection injection) {
    return new Scenario(
        name,
        fault,
        deliveries,
        (s, run) -> {
          run.awaitMails(500);
          run.countCallsInFlight();
          injection.apply(s);
          run.ended();
        });
  }

  List<Scenario> scenarios() {
    return List.of(
        new Scenario(
            "dispatcher-kill",
            "a dispatcher SIGKILLed every 3 s (3 running) and another started",
            size(6_000, 100_000),
            (s, run) -> {
              run.awaitMails(200);
              int kills = 0;
              while (run.mails() < (quick ? 5_000 : 95_000) || kills < 3) {
                List<String> running = s.dispatchers();
                s.killDispatcher(running.get(ThreadLocalRandom.current().nextInt(running.size())));
                run.countUnrecorded();
                s.startDispatcher();
                kills++;
                FaultSystem.pause(Duration.ofSeconds(3));
                if (kills >= (quick ? 3 : 40)) {
                  break;
                }
              }
              run.ended();
            }),
        new Scenario(
            "operator-kill",
            "the operator SIGKILLed mid fan-out, restarted 2 s later",
            size(5_000, 20_000),
            (s, run) -> {
              awaitUntil(
                  () ->
                      s.deliveries(run.namespace).values().stream().mapToInt(List::size).sum()
                          >= 1_000,
                  Duration.ofMinutes(2));
              s.killOperator();
              FaultSystem.pause(Duration.ofSeconds(2));
              s.startOperator();
              run.ended();
            }),
        new Scenario(
            "campaign-operator-kill",
            "the operator SIGKILLed mid Campaign fan-out, restarted 2 s later",
            size(20_000, 100_000),
            0,
            1,
            (s, run) -> {
              s.users(run.namespace, size(20_000, 100_000));
              s.campaignNow(run.namespace, "everyone");
            },
            (s, run) -> {
              int users = size(20_000, 100_000);
              awaitUntil(() -> s.campaignRows(run.namespace) >= 2_000, Duration.ofMinutes(2));
              s.killOperator();
              long written = s.campaignRows(run.namespace);
              s.startOperator();
              run.ended();
              if (written >= users) {
                run.note = "the fan-out had ended before the kill";
                run.withinBound = false;
              } else {
                run.note = String.format("killed with %,d of %,d written", written, users);
              }
              // A second delivery to one user would have a delivery id of its own: count by
              // address.
              awaitUntil(
                  () -> {
                    Map<String, List<String>> byState = s.deliveries(run.namespace);
                    return byState.values().stream().mapToInt(List::size).sum() >= users
                        && Set.of("pending", "queued", "sending").stream()
                            .allMatch(st -> byState.getOrDefault(st, List.of()).isEmpty());
                  },
                  Duration.ofMinutes(quick ? 3 : 10));
              Map<String, Long> perAddress =
                  mailsOf(s, run.namespace).stream()
                      .collect(
                          Collectors.groupingBy(m -> m.toEmails().get(0), Collectors.counting()));
              run.otherDuplicated.addAndGet(
                  (int) perAddress.values().stream().mapToLong(n -> n - 1).sum());
              run.otherLost.addAndGet(Math.max(0, users - perAddress.size()));
            }),
        midRun(
            "nats-restart",
            "nats-server stopped mid-run, started again 2 s later",
            size(4_000, 20_000),
            s -> s.restartNats(Duration.ofSeconds(2))),
        midRun(
            "nats-wipe",
            "nats-server stopped mid-run, its store deleted, started again 2 s later",
            size(2_500, 20_000),
            s -> s.wipeNats(Duration.ofSeconds(2))),
        midRun(
            "postgres-restart-fast",
            "Postgres fast shutdown (SIGINT) mid-run, started again 1 s later",
            size(4_000, 20_000),
            s -> s.restartPostgres(StopSignal.INT, Duration.ofSeconds(1))),
        midRun(
            "postgres-restart-immediate",
            "Postgres immediate shutdown (SIGQUIT) mid-run, started again 1 s later",
            size(4_000, 20_000),
            s -> s.restartPostgres(StopSignal.QUIT, Duration.ofSeconds(1))),
        midRun(
            "postgres-pause",
            "Postgres SIGSTOPped for AckWait + 5 s while dispatchers hold messages",
            size(4_000, 20_000),
            s -> s.pausePostgres(FaultSystem.ACK_WAIT.plusSeconds(5))),
        new Scenario(
            "provider-503",
            "the provider answers 503 to every call for " + (quick ? 15 : 60) + " s, then recovers",
            size(3_000, 20_000),
            (s, run) -> {
              run.awaitMails(300);
              Duration outage = Duration.ofSeconds(quick ? 15 : 60);
              s.sendgrid.failFor(outage, 503);
              FaultSystem.pause(outage);
              run.ended();
            }),
        new Scenario(
            "provider-timeout-after-accept",
            "10 calls accepted by the provider after the send timeout (15 s)",
            size(2_000, 10_000),
            (s, run) -> {
              run.awaitMails(300);
              // Each held call is accepted after the dispatcher gave up on it: the duplicate window
              // itself.
              s.sendgrid.delayNext(10, Duration.ofSeconds(17));
              run.window.addAndGet(10);
              awaitUntil(() -> s.sendgrid.pendingFaults() == 0, Duration.ofMinutes(1));
              FaultSystem.pause(Duration.ofSeconds(18));
              run.ended();
            }),
        new Scenario(
            "provider-429",
            "the provider answers 429 to every call for 10 s, its reset the end of that time",
            size(2_000, 20_000),
            (s, run) -> {
              run.awaitMails(300);
              Duration limited = Duration.ofSeconds(10);
              // Calls already under way when the limit starts get their 429 too; what follows
              // should wait.
              int before = s.sendgrid.requests();
              s.sendgrid.rateLimitFor(limited);
              FaultSystem.pause(limited);
              int during = s.sendgrid.requests() - before;
              run.note =
                  String.format(
                      "%d calls during the 10 s limit (%d dispatchers, each up to %d in hand)",
                      during, s.dispatchers().size(), FaultSystem.MAX_IN_FLIGHT);
              run.ended();
            }),
        noisyTenant(),
        new Scenario(
            "jetstream-leader-loss",
            "a 3-node JetStream cluster (replicas 3): the stream leader SIGKILLed "
                + "mid-run, started again 10 s later",
            size(2_500, 20_000),
            1000,
            3,
            null,
            (s, run) -> {
              run.awaitMails(500);
              run.countCallsInFlight();
              int leader =
                  s.cluster()
                      .leaderOf(s.streamName())
                      .orElseThrow(() -> new IllegalStateException("the stream has no leader"));
              s.cluster().kill(leader);
              Instant killed = Instant.now();
              awaitUntil(
                  () -> s.cluster().leaderOf(s.streamName()).isPresent(), Duration.ofMinutes(1));
              Duration election = Duration.between(killed, Instant.now());
              FaultSystem.pause(
                  Duration.ofSeconds(10).minus(election).isNegative()
                      ? Duration.ZERO
                      : Duration.ofSeconds(10).minus(election));
              s.cluster().startNode(leader);
              run.note =
                  String.format(
                      "killed %s; a new leader answered after %.1f s",
                      dev.herald.sandbox.nats.PrivateNatsCluster.nodeName(leader),
                      election.toMillis() / 1000.0);
              run.ended();
            }));
  }

  /**
   * Another namespace's backlog waits on the same lane (normal e-mail) for a provider that is not
   * Ready — published again and again while it waits — while this namespace sends one mail at a
   * time; each of those must reach the provider within {@link #NOISY_NEIGHBOUR_BOUND} of its
   * acceptance. Then the other provider becomes Ready and its whole backlog must arrive once.
   */
  private Scenario noisyTenant() {
    int noise = size(1_000, 10_000);
    String noisy = "noisy-tenant-backlog";
    return new Scenario(
        "noisy-tenant",
        String.format(
            "%,d deliveries of another namespace waiting on a provider that "
                + "is not Ready, on the same lane; this namespace's sends one at a time",
            noise),
        size(100, 600),
        1,
        1,
        (s, run) -> {
          s.tenant(noisy, false);
          String key = s.apiKey(noisy);
          for (int batch = 0; batch * 1000 < noise; batch++) {
            int from = batch * 1000;
            s.send(
                key,
                noisy + "-" + batch,
                IntStream.range(from, Math.min(from + 1000, noise))
                    .mapToObj(i -> "r" + i + "@" + noisy + ".example")
                    .toList(),
                Duration.ofMinutes(2));
          }
          awaitUntil(
              () -> s.deliveries(noisy).values().stream().mapToInt(List::size).sum() >= noise,
              Duration.ofMinutes(2));
        },
        (s, run) -> {
          awaitUntil(() -> run.trafficDone, Duration.ofMinutes(10));
          awaitUntil(
              () -> mailsOf(s, run.namespace).size() >= run.accepted.size(), Duration.ofMinutes(1));
          List<Long> latencies =
              mailsOf(s, run.namespace).stream()
                  .filter(m -> run.accepted.containsKey(runOf(m)))
                  .map(m -> Duration.between(run.accepted.get(runOf(m)), m.arrivedAt()).toMillis())
                  .sorted()
                  .toList();
          long p50 = latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
          long p99 =
              latencies.isEmpty()
                  ? -1
                  : latencies.get(
                      (int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1));
          long max = latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1);
          run.withinBound = !latencies.isEmpty() && max <= NOISY_NEIGHBOUR_BOUND.toMillis();
          // The backlog's provider becomes Ready: all of it goes out, once.
          s.providerSecret(noisy);
          run.ended();
          awaitUntil(() -> mailsOf(s, noisy).size() >= noise, Duration.ofMinutes(5));
          Counted backlog = count(s, noisy, noise);
          run.otherLost.addAndGet(backlog.lost());
          run.otherDuplicated.addAndGet(backlog.duplicated());
          run.note =
              String.format(
                  "accept → provider p50 %d ms, p99 %d ms, max %d ms (bound %d s); then the backlog: "
                      + "%,d of %,d delivered, %d lost, %d doubled",
                  p50,
                  p99,
                  max,
                  NOISY_NEIGHBOUR_BOUND.toSeconds(),
                  backlog.delivered(),
                  noise,
                  backlog.lost(),
                  backlog.duplicated());
        });
  }

  /** The send a mail came from: its subject is "Run <idempotency key>". */
  private static String runOf(ReceivedMail m) {
    return m.subject() == null ? "" : m.subject().substring(m.subject().indexOf(' ') + 1);
  }

  /** What the simulator received of a namespace's deliveries. */
  record Counted(int delivered, int lost, int duplicated) {}

  static Counted count(FaultSystem system, String ns, int expected) {
    Map<String, Long> perDelivery =
        mailsOf(system, ns).stream()
            .collect(
                Collectors.groupingBy(
                    m -> m.customArgs().getOrDefault("herald_delivery_id", "?"),
                    Collectors.counting()));
    Set<String> ids =
        system.deliveries(ns).values().stream().flatMap(List::stream).collect(Collectors.toSet());
    int lost =
        (int) ids.stream().filter(id -> !perDelivery.containsKey(id)).count()
            + Math.max(0, expected - ids.size());
    int duplicated = (int) perDelivery.values().stream().mapToLong(n -> n - 1).sum();
    return new Counted(perDelivery.size(), lost, duplicated);
  }

  /**
   * Runs every scenario, those of one broker layout against one system (a single nats-server first,
   * then a cluster); returns their results in order.
   */
  List<FaultResult> run(Path state) throws IOException {
    List<FaultResult> results = new ArrayList<>();
    Set<String> known = scenarios().stream().map(Scenario::name).collect(Collectors.toSet());
    if (!known.containsAll(only)) {
      throw new IllegalArgumentException(
          "unknown scenario(s) "
              + only.stream().filter(n -> !known.contains(n)).toList()
              + "; known: "
              + new java.util.TreeSet<>(known));
    }
    Map<Integer, List<Scenario>> byLayout =
        new java.util.TreeMap<>(
            scenarios().stream()
                .filter(sc -> only.isEmpty() || only.contains(sc.name()))
                .collect(Collectors.groupingBy(Scenario::natsNodes)));
    for (Map.Entry<Integer, List<Scenario>> layout : byLayout.entrySet()) {
      Path dir = layout.getKey() == 1 ? state : state.resolve("cluster-" + layout.getKey());
      try (FaultSystem system = FaultSystem.start(dir, 3, layout.getKey())) {
        for (Scenario scenario : layout.getValue()) {
          out.printf("%-30s %s ...%n", scenario.name(), scenario.fault());
          FaultResult result = run(system, scenario);
          results.add(result);
          out.printf(
              "%-30s %s: %d of %d delivered, %d lost, %d duplicated (window %d), recovered in %d ms%s%n",
              scenario.name(),
              result.passed() ? "ok" : "FAILED",
              result.delivered(),
              result.deliveries(),
              result.lost(),
              result.duplicated(),
              result.duplicateWindow(),
              result.recovery().toMillis(),
              result.note().isEmpty() ? "" : "; " + result.note());
        }
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
    Throwable faultError = null;
    if (scenario.setup() != null) {
      try {
        scenario.setup().inject(system, run);
      } catch (Exception e) {
        faultError = e;
      }
    }
    int perSend = scenario.perSend();
    Thread traffic =
        Thread.ofPlatform()
            .name("traffic-" + ns)
            .start(
                () -> {
                  try {
                    // perSend 0: the scenario's own setup is its traffic (a Campaign).
                    for (int batch = 0;
                        perSend > 0 && batch * perSend < scenario.deliveries();
                        batch++) {
                      int from = batch * perSend;
                      List<String> to =
                          IntStream.range(from, Math.min(from + perSend, scenario.deliveries()))
                              .mapToObj(i -> "r" + i + "@" + ns + ".example")
                              .toList();
                      String run1 = ns + "-" + batch;
                      run.accepted.put(run1, system.send(key, run1, to, Duration.ofMinutes(2)));
                      if (perSend == 1) {
                        // Sends one at a time are spread over the run (20 a second), as an
                        // application's are.
                        FaultSystem.pause(Duration.ofMillis(50));
                      }
                    }
                  } finally {
                    run.trafficDone = true;
                  }
                });
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
    awaitUntil(
        () -> {
          Map<String, List<String>> byState = system.deliveries(ns);
          int rows = byState.values().stream().mapToInt(List::size).sum();
          int unfinished =
              Set.of("pending", "queued", "sending").stream()
                  .mapToInt(st -> byState.getOrDefault(st, List.of()).size())
                  .sum();
          return rows >= scenario.deliveries() && unfinished == 0;
        },
        quick ? Duration.ofMinutes(3) : Duration.ofMinutes(10));
    List<ReceivedMail> mails = mailsOf(system, ns);
    Counted counted = count(system, ns, scenario.deliveries());
    Map<String, List<String>> byState = system.deliveries(ns);
    int lost = counted.lost() + run.otherLost.get();
    int duplicated = counted.duplicated() + run.otherDuplicated.get();
    Instant ended = run.faultEnded == null ? started : run.faultEnded;
    Duration recovery =
        mails.stream()
            .map(ReceivedMail::arrivedAt)
            .filter(a -> a.isAfter(ended))
            .min(Instant::compareTo)
            .map(first -> Duration.between(ended, first))
            .orElse(Duration.ZERO);
    if (faultError != null) {
      out.printf("  the fault itself failed: %s%n", faultError);
      lost = Math.max(lost, 1);
    }
    Map<String, Integer> states = new HashMap<>();
    byState.forEach((state, list) -> states.put(state, list.size()));
    if (lost > 0) {
      out.printf("  deliveries by state: %s%n", states);
    }
    return new FaultResult(
        scenario.name(),
        scenario.fault(),
        scenario.deliveries(),
        counted.delivered(),
        lost,
        duplicated,
        run.window.get(),
        recovery,
        Duration.between(started, Instant.now()),
        run.note,
        run.withinBound);
  }

  static List<ReceivedMail> mailsOf(FaultSystem system, String ns) {
    String domain = "@" + ns + ".example";
    return system.sendgrid.mails().stream()
        .filter(m -> m.toEmails().get(0).endsWith(domain))
        .toList();
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration atMost) {
    dev.herald.sandbox.process.Polling.until(condition, atMost, Duration.ofMillis(250));
  }
}
