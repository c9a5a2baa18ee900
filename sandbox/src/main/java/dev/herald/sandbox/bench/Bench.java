package dev.herald.sandbox.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One bench run, in order: the broker's and the database's own ceilings (its delivery lifecycle and
 * its COPY of a campaign's rows) and each simulator's, measured before Herald starts so that
 * nothing else runs meanwhile; then Herald's processes, a warm-up, the bulk drains of each channel
 * alone and mixed, the one-time passwords idle and over a bulk drain, single API sends, and a
 * one-shot campaign to a large imported audience with one-time passwords over its drain. CPU is
 * read before and after each drain, memory sampled during them. Herald is stopped before the
 * profile is read: each JVM writes its JFR recording as it exits.
 */
final class Bench {
  static final int STEPS = 19;

  /** The operator's CPU samples from a campaign's creation to its deliveries all queued. */
  static final String FANOUT_PROFILE = "operator-fanout";

  private final BenchPlan plan;
  private final Path out;
  private final int dispatchers;
  private final PrintStream console;

  Bench(BenchPlan plan, Path out, int dispatchers, PrintStream console) {
    this.plan = plan;
    this.out = out;
    this.dispatchers = dispatchers;
    this.console = console;
  }

  BenchRun run() throws Exception {
    Instant startedAt = Instant.now();
    double loadAtStart = loadAverage();
    Path state = out.resolve("state").toAbsolutePath();
    Path profileDir = out.resolve("profile").toAbsolutePath();
    wipe(state);
    wipe(profileDir);
    try (BenchProgress progress = new BenchProgress(console, STEPS)) {
      AtomicLong counter = new AtomicLong();
      progress.begin("start Postgres, nats-server, simulators", counter::get, 1, "");
      try (BenchSystem system = new BenchSystem(state, profileDir, dispatchers)) {
        progress.finish(
            String.format("postgres %s, nats %s", system.postgres.jdbcUrl(), system.nats.url()));

        counter.set(0);
        progress.begin("raw JetStream round trip", counter::get, plan.rawMessages(), "msgs");
        double rawJs =
            RawJetStream.roundTripPerSecond(system.nats.url(), plan.rawMessages(), counter::set);
        progress.finish(String.format("%,.0f msg/s (publish with ids + pull + ack)", rawJs));

        counter.set(0);
        progress.begin("raw Postgres delivery lifecycle", counter::get, plan.rawRows(), "rows");
        double rawPg =
            RawPostgres.lifecycleRowsPerSecond(
                system.postgres.jdbcUrl(),
                system.postgres.user(),
                system.postgres.port(),
                plan.rawRows(),
                counter::set);
        progress.finish(String.format("%,.0f rows/s (insert + 3 set-based updates)", rawPg));

        counter.set(0);
        progress.begin("raw Postgres COPY of deliveries", counter::get, plan.fanoutUsers(), "rows");
        double rawCopy =
            RawPostgres.copyRowsPerSecond(
                system.postgres.jdbcUrl(),
                system.postgres.user(),
                system.postgres.port(),
                plan.fanoutUsers(),
                counter::set);
        progress.finish(
            String.format(
                "%,.0f rows/s (COPY, %,d rows a transaction)", rawCopy, RawPostgres.PAGE));

        Map<String, SimulatorCeilings.Ceiling> ceilings = new LinkedHashMap<>();
        Instant ceilingsStarted = Instant.now();
        long ceilingMillis = plan.ceilingTime().toMillis() * 4;
        progress.begin(
            "simulators' own ceilings",
            () -> Duration.between(ceilingsStarted, Instant.now()).toMillis(),
            ceilingMillis,
            "ms");
        ceilings.put("sendgrid", SimulatorCeilings.sendgrid(system.sims, plan.ceilingTime()));
        ceilings.put("twilio", SimulatorCeilings.twilio(system.sims, plan.ceilingTime()));
        ceilings.put("fcm", SimulatorCeilings.fcm(system.sims, plan.ceilingTime()));
        ceilings.put("apns", SimulatorCeilings.apns(system.sims, plan.ceilingTime()));
        StringBuilder c = new StringBuilder();
        ceilings.forEach(
            (name, ceiling) ->
                c.append(
                    String.format(
                        "%s %,.0f/s%s  ",
                        name,
                        ceiling.acceptedPerSecond(),
                        ceiling.failed() == 0 ? "" : " (" + ceiling.failed() + " failed)")));
        progress.finish(c.toString().trim());

        progress.begin(
            "start the operator and " + dispatchers + " dispatchers", counter::get, 1, "");
        system.startHerald();
        progress.finish("API ready at " + system.api().url());

        progress.begin("namespace, providers, " + plan.users() + " users", counter::get, 1, "");
        List<String> keys = system.setUpNamespace(plan.users(), Math.max(1, plan.apiKeys()));
        String key = keys.get(0);
        progress.finish("providers Ready, " + keys.size() + " API keys taken");

        ProcessMeter meter = new ProcessMeter(system::roles);
        RssSampler rss = new RssSampler(meter);
        BulkPhase bulk = new BulkPhase(system, meter);
        runDrain(
            progress,
            bulk,
            counter,
            key,
            new BulkPhase.Plan(
                "warm-up",
                List.of("email", "sms", "push"),
                "bulk",
                plan.warmupUsers(),
                i -> Traffic.user(BenchSystem.userId(i)),
                3),
            "(not measured: JIT, connections)");

        List<BulkPhase.Result> e2e = new ArrayList<>();
        PgStatements.reset(system.postgres.jdbcUrl(), system.postgres.user());
        Instant loadStarted = Instant.now();
        rss.start();
        e2e.add(
            runDrain(
                progress,
                bulk,
                counter,
                key,
                new BulkPhase.Plan(
                    "email",
                    List.of("email"),
                    "bulk",
                    plan.emailDeliveries(),
                    i -> Traffic.email("r" + i + "@email.bench.example"),
                    1),
                ""));
        e2e.add(
            runDrain(
                progress,
                bulk,
                counter,
                key,
                new BulkPhase.Plan(
                    "sms",
                    List.of("sms"),
                    "bulk",
                    plan.smsDeliveries(),
                    i -> Traffic.phone(BenchSystem.phone(i)),
                    1),
                ""));
        e2e.add(
            runDrain(
                progress,
                bulk,
                counter,
                key,
                new BulkPhase.Plan(
                    "push",
                    List.of("push"),
                    "bulk",
                    plan.pushUsers(),
                    i -> Traffic.user(BenchSystem.userId(i)),
                    1),
                ""));
        e2e.add(
            runDrain(
                progress,
                bulk,
                counter,
                key,
                new BulkPhase.Plan(
                    "mixed",
                    List.of("email", "sms", "push"),
                    "bulk",
                    plan.mixedUsers(),
                    i -> Traffic.user(BenchSystem.userId(i)),
                    3),
                ""));
        Map<String, Double> maxRss = rss.stop();
        List<PgStatements.Entry> statements =
            PgStatements.top(system.postgres.jdbcUrl(), system.postgres.user(), 15);

        OtpPhase otp = new OtpPhase(system);
        counter.set(0);
        progress.begin("one-time passwords, idle", counter::get, plan.otpSends(), "sends");
        OtpPhase.Latencies idle =
            otp.run("idle", key, plan.otpSends(), plan.otpInterval(), () -> true, counter::set);
        progress.finish(
            String.format(
                "p50 %.0f ms, p99 %.0f ms (%d sends)",
                idle.percentile(50), idle.percentile(99), idle.received()));

        UnderBulk underBulk =
            otpUnderBulk(progress, system, bulk, otp, key, e2e.get(0).steadyPerSecond());

        counter.set(0);
        int clients = plan.apiKeys() * plan.apiClientsPerKey();
        progress.begin(
            "API single sends, " + clients + " clients",
            counter::get,
            (long) (plan.apiTime().toSeconds() * 1000),
            "sends");
        ApiSendsPhase.Result api =
            new ApiSendsPhase(system.api())
                .run(keys, plan.apiClientsPerKey(), plan.apiTime(), counter::set);
        Instant loadEnded = Instant.now();
        progress.finish(
            String.format(
                "%,.0f sends/s, p50 %.0f ms, p99 %.0f ms%s",
                api.acceptedPerSecond(),
                api.percentile(50),
                api.percentile(99),
                api.refused() == 0 ? "" : ", " + api.refused() + " refused"));

        FanOutPhase.Result fanOut =
            new FanOutPhase(system, meter, otp)
                .run(
                    progress,
                    plan.fanoutUsers(),
                    key,
                    plan.otpSends(),
                    underBulk.drain().steadyPerSecond());

        progress.begin("stop Herald, read the JFR profiles", counter::get, 1, "");
        system.stopHerald();
        Map<String, JfrProfile> profiles = new LinkedHashMap<>();
        profiles.put(
            "dispatcher",
            JfrProfile.read(recordings(profileDir, "dispatcher-"), loadStarted, loadEnded));
        profiles.put(
            "operator",
            JfrProfile.read(recordings(profileDir, "operator"), loadStarted, loadEnded));
        profiles.put(
            FANOUT_PROFILE,
            JfrProfile.read(recordings(profileDir, "operator"), fanOut.created(), fanOut.queued()));
        progress.finish(
            String.format(
                "%,d dispatcher and %,d operator CPU samples",
                profiles.get("dispatcher").samples(), profiles.get("operator").samples()));

        return new BenchRun(
            plan,
            startedAt,
            Duration.between(startedAt, Instant.now()),
            machine(loadAtStart),
            dispatchers,
            rawJs,
            rawPg,
            rawCopy,
            ceilings,
            e2e,
            underBulk.drain(),
            idle,
            underBulk.otp(),
            api,
            maxRss,
            profiles,
            statements,
            fanOut);
      }
    }
  }

  private BulkPhase.Result runDrain(
      BenchProgress progress,
      BulkPhase bulk,
      AtomicLong counter,
      String key,
      BulkPhase.Plan phase,
      String note)
      throws java.sql.SQLException {
    counter.set(0);
    progress.begin(
        "drain: " + phase.name() + " (" + String.join("+", phase.channels()) + ")",
        counter::get,
        phase.deliveries(),
        "deliveries");
    BulkPhase.Result r = bulk.run(phase, key, BenchPlan.patience(phase.deliveries()), counter::set);
    progress.finish(
        String.format(
                "%,.0f/s steady, %,d in %.1f s%s %s",
                r.steadyPerSecond(),
                r.sentAtMillis().length,
                r.wallSeconds(),
                r.notSent() == 0 ? "" : ", " + r.notSent() + " NOT sent",
                note)
            .trim());
    return r;
  }

  /** The one-time passwords spread over a bulk e-mail drain, and the drain itself. */
  record UnderBulk(OtpPhase.Latencies otp, BulkPhase.Result drain) {}

  private UnderBulk otpUnderBulk(
      BenchProgress progress,
      BenchSystem system,
      BulkPhase bulk,
      OtpPhase otp,
      String key,
      double emailRate)
      throws Exception {
    AtomicLong counter = new AtomicLong();
    progress.begin(
        String.format("one-time passwords over %,d bulk", plan.bulkDrain()),
        counter::get,
        plan.bulkDrain(),
        "deliveries");
    BulkPhase.Result[] drain = new BulkPhase.Result[1];
    Exception[] failure = new Exception[1];
    long mailsBefore = system.sims.mails().get();
    Thread drainer =
        Thread.ofPlatform()
            .name("bench-bulk-drain")
            .start(
                () -> {
                  try {
                    drain[0] =
                        bulk.run(
                            new BulkPhase.Plan(
                                "bulk-drain",
                                List.of("email"),
                                "bulk",
                                plan.bulkDrain(),
                                i -> Traffic.email("b" + i + "@drain.bench.example"),
                                1),
                            key,
                            BenchPlan.patience(plan.bulkDrain()),
                            counter::set);
                  } catch (Exception e) {
                    failure[0] = e;
                  }
                });
    // the passwords start once the drain is flowing, and are spread over most of what it should
    // take
    BenchSystem.await(
        () -> system.sims.mails().get() - mailsBefore >= Math.min(1_000, plan.bulkDrain() / 10),
        Duration.ofMinutes(2),
        "the bulk drain did not start");
    double expectedSeconds = plan.bulkDrain() / Math.max(100, emailRate);
    Duration interval = Duration.ofNanos((long) (expectedSeconds * 0.6 / plan.otpSends() * 1e9));
    int otpBefore = system.sims.otpArrivals().size();
    OtpPhase.Latencies latencies =
        otp.run(
            "under-bulk",
            key,
            plan.otpSends(),
            interval,
            () ->
                system.sims.mails().get()
                        - mailsBefore
                        - (system.sims.otpArrivals().size() - otpBefore)
                    < plan.bulkDrain(),
            n -> {});
    drainer.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    progress.finish(
        String.format(
            "p50 %.0f ms, p99 %.0f ms (%d of %d sent while the drain ran); drain %,.0f/s",
            latencies.percentile(50),
            latencies.percentile(99),
            latencies.sentWhileBusy(),
            latencies.sent(),
            drain[0].steadyPerSecond()));
    return new UnderBulk(latencies, drain[0]);
  }

  private static List<Path> recordings(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".jfr"))
          .sorted()
          .toList();
    }
  }

  private static BenchRun.Machine machine(double loadAtStart) {
    String cpu = "unknown";
    double memoryGb = 0;
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
      memoryGb =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
                  .filter(l -> l.startsWith("MemTotal:"))
                  .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                  .findFirst()
                  .orElse(0)
              / 1024.0
              / 1024.0;
    } catch (IOException e) {
      // not Linux: the bench reads /proc elsewhere too
    }
    return new BenchRun.Machine(
        Runtime.getRuntime().availableProcessors(),
        memoryGb,
        cpu,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        Runtime.version().toString(),
        loadAtStart,
        loadAverage());
  }

  /** The 1-minute load average: how busy the machine was with anything, the bench included. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static void wipe(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
