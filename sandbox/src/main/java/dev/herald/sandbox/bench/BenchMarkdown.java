package dev.herald.sandbox.bench;

import java.util.List;
import java.util.Map;

/**
 * A run as {@code bench.md}: the machine and command, Herald's figures beside the raw ceilings, the
 * cost, the profile.
 */
final class BenchMarkdown {
  private BenchMarkdown() {}

  static String of(BenchRun run, String command) {
    Map<String, Double> f = run.figures();
    BenchRun.Machine m = run.machine();
    StringBuilder md = new StringBuilder();
    md.append("# Herald bench\n\n");
    md.append(
        String.format(
            "`%s` (%s mode), %s, %.0f s%n%n",
            command, run.plan().mode(), run.startedAt(), run.elapsed().toMillis() / 1000.0));
    md.append(
        String.format(
            "Machine: %d cores (%s), %.0f GiB, %s, Java %s; load average %.2f at the start, %.2f at the "
                + "end (anything above the bench's own ~2 means the CPU was shared). Herald: the operator and %d dispatchers, each "
                + "a JVM (operator `%s`, dispatchers `%s`, `MALLOC_ARENA_MAX=2`); private Postgres and nats-server; zero-latency simulators in the bench's JVM.%n%n",
            m.cores(),
            m.cpu(),
            m.memoryGb(),
            m.os(),
            m.java(),
            m.loadAtStart(),
            m.loadAtEnd(),
            run.dispatchers(),
            String.join(" ", BenchSystem.OPERATOR_JVM),
            String.join(" ", BenchSystem.DISPATCHER_JVM)));

    md.append("## Throughput beside the raw ceilings of the same servers\n\n");
    md.append("| | per second | of raw JetStream | of raw Postgres |\n|---|---:|---:|---:|\n");
    md.append(
        String.format(
            "| raw JetStream round trip (nats-server alone) | %,.0f msg | 1 | |%n",
            f.get("raw_jetstream_roundtrip_per_s")));
    md.append(
        String.format(
            "| raw Postgres delivery lifecycle (Postgres alone) | %,.0f rows | | 1 |%n",
            f.get("raw_pg_lifecycle_rows_per_s")));
    md.append(
        String.format(
            "| raw Postgres COPY of delivery rows, %,d a transaction (Postgres alone) | %,.0f rows | | |%n",
            RawPostgres.PAGE, f.get("raw_pg_copy_rows_per_s")));
    for (BulkPhase.Result p : run.e2e()) {
      md.append(
          String.format(
              "| Herald e2e, %s (%s), %,d deliveries | %,.0f | %.3f | %.3f |%n",
              p.name(),
              String.join(" + ", p.channels()),
              p.deliveries(),
              p.steadyPerSecond(),
              p.steadyPerSecond() / run.rawJetStreamPerSecond(),
              p.steadyPerSecond() / run.rawPgRowsPerSecond()));
    }
    md.append(
        String.format(
            "| Herald e2e, bulk e-mail drain under one-time passwords, %,d | %,.0f | %.3f | %.3f |%n",
            run.bulkDrain().deliveries(),
            run.bulkDrain().steadyPerSecond(),
            run.bulkDrain().steadyPerSecond() / run.rawJetStreamPerSecond(),
            run.bulkDrain().steadyPerSecond() / run.rawPgRowsPerSecond()));
    md.append(
        String.format(
            "| API single sends (%d clients, Idempotency-Key) | %,.0f sends | | |%n%n",
            run.api().clients(), run.api().acceptedPerSecond()));
    md.append(
        "e2e: bulk sends of 1,000 recipients through the HTTP API, from acceptance to `sent` recorded in Postgres; "
            + "steady state = the middle 80 % of the deliveries over the time they took. The headline `e2e_deliveries_per_s` "
            + "is the mixed phase. Push is half APNs, half FCM.\n\n");
    md.append("![deliveries per second](" + BenchReport.THROUGHPUT_PNG + ")\n\n");

    md.append("## Latency\n\n| | p50 | p99 | max | sends |\n|---|---:|---:|---:|---:|\n");
    md.append(
        String.format(
            "| one-time password, idle (accept → simulator) | %.0f ms | %.0f ms | %.0f ms | %d |%n",
            run.otpIdle().percentile(50),
            run.otpIdle().percentile(99),
            run.otpIdle().percentile(100),
            run.otpIdle().received()));
    md.append(
        String.format(
            "| one-time password over a %,d-delivery bulk drain | %.0f ms | %.0f ms | %.0f ms | %d (%d while it drained) |%n",
            run.plan().bulkDrain(),
            run.otpUnderBulk().percentile(50),
            run.otpUnderBulk().percentile(99),
            run.otpUnderBulk().percentile(100),
            run.otpUnderBulk().received(),
            run.otpUnderBulk().sentWhileBusy()));
    md.append(
        String.format(
            "| API single send, answer time | %.0f ms | %.0f ms | %.0f ms | %,d |%n%n",
            run.api().percentile(50),
            run.api().percentile(99),
            run.api().percentile(100),
            run.api().accepted()));
    md.append("![one-time password latency](" + BenchReport.LATENCY_PNG + ")\n\n");
    fanOut(md, run);

    md.append(
        "## Where the cost goes\n\nCPU seconds per 1,000 deliveries over the e2e phases, and the largest resident memory "
            + "during them:\n\n| operator | dispatchers (all) | Postgres | nats-server | bench JVM (simulators, clients) |\n"
            + "|---:|---:|---:|---:|---:|\n");
    md.append(
        String.format(
            "| %.3f | %.3f | %.3f | %.3f | %.3f |%n%n",
            f.get("cpu_s_per_1000_operator"),
            f.get("cpu_s_per_1000_dispatchers"),
            f.get("cpu_s_per_1000_postgres"),
            f.get("cpu_s_per_1000_nats"),
            f.get("cpu_s_per_1000_bench")));
    md.append(
        String.format(
            "Resident memory: operator %.0f MB, largest dispatcher %.0f MB.%n%n",
            f.get("operator_rss_mb"), f.get("dispatcher_rss_mb")));
    md.append(
        "| phase | deliveries | sent | steady/s | accept → last sent | CPU s: operator | dispatchers | Postgres | nats |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<BulkPhase.Result> phases = new java.util.ArrayList<>(run.e2e());
    phases.add(run.bulkDrain());
    for (BulkPhase.Result p : phases) {
      Map<String, Double> cpu = p.cpuSeconds();
      md.append(
          String.format(
              "| %s | %,d | %,d | %,.0f | %.1f s | %.1f | %.1f | %.1f | %.1f |%n",
              p.name(),
              p.deliveries(),
              p.sentAtMillis().length,
              p.steadyPerSecond(),
              p.wallSeconds(),
              cpu.getOrDefault("operator", 0.0),
              cpu.getOrDefault("dispatchers", 0.0),
              cpu.getOrDefault("postgres", 0.0),
              cpu.getOrDefault("nats-server", 0.0)));
    }

    md.append(
        "\n## The simulators are not the limit\n\nEach simulator's own ceiling, measured in the same run with a plain "
            + "client ("
            + SimulatorCeilings.CONCURRENCY
            + " requests in flight, client and simulator sharing the cores), beside "
            + "the most Herald sent it:\n\n| simulator | ceiling | Herald's steady rate on it | share |\n|---|---:|---:|---:|\n");
    double email =
        Math.max(run.phase("email").steadyPerSecond(), run.bulkDrain().steadyPerSecond());
    double sms = run.phase("sms").steadyPerSecond();
    double push = run.phase("push").steadyPerSecond() / 2;
    ceiling(md, "SendGrid", run.ceilings().get("sendgrid"), email);
    ceiling(md, "Twilio", run.ceilings().get("twilio"), sms);
    ceiling(md, "FCM", run.ceilings().get("fcm"), push);
    ceiling(md, "APNs", run.ceilings().get("apns"), push);

    md.append(
        "\n## Profile (JFR, whole run)\n\nJava threads on CPU, sampled by JFR every 10 ms (`settings=profile`) in each "
            + "process for the whole run. Recordings: `profile/*.jfr` (open in JDK Mission Control, or `jfr print --events "
            + "jdk.ExecutionSample`); collapsed stacks: `profile/<process>.collapsed` (input of any flame-graph tool); flame "
            + "graphs drawn by the bench: `profile/dispatcher-flame.svg`, `profile/operator-flame.svg` (the e2e phases to the API "
            + "sends), `profile/operator-fanout-flame.svg` (the campaign's creation to every delivery queued).\n\n");
    for (Map.Entry<String, JfrProfile> e : run.profiles().entrySet()) {
      JfrProfile p = e.getValue();
      md.append(
          String.format(
              "### %s (%,d samples)%n%n| self (on top of the stack) | share | Herald's own methods, "
                  + "total (anywhere in the stack) | share |%n|---|---:|---|---:|%n",
              e.getKey(), p.samples()));
      List<JfrProfile.Hot> self = p.topSelf(15);
      List<JfrProfile.Hot> herald = p.topTotal(15, true);
      for (int i = 0; i < Math.max(self.size(), herald.size()); i++) {
        md.append(
            String.format(
                "| %s | %s | %s | %s |%n",
                i < self.size() ? "`" + self.get(i).method() + "`" : "",
                i < self.size() ? String.format("%.1f %%", 100 * self.get(i).share()) : "",
                i < herald.size() ? "`" + herald.get(i).method() + "`" : "",
                i < herald.size() ? String.format("%.1f %%", 100 * herald.get(i).share()) : ""));
      }
      md.append("\n| self time by package | share |\n|---|---:|\n");
      for (JfrProfile.Hot h : p.topSelfByPackage(12)) {
        md.append(String.format("| `%s` | %.1f %% |%n", h.method(), 100 * h.share()));
      }
      md.append('\n');
    }
    pgStatements(md, "the e2e phases", run.pgStatements());
    pgStatements(
        md,
        "the campaign, its creation to every delivery queued (and the drain so far)",
        run.fanOut().statements());
    return md.toString();
  }

  private static void fanOut(StringBuilder md, BenchRun run) {
    FanOutPhase.Result fo = run.fanOut();
    Map<String, Double> f = run.figures();
    md.append("## Campaign fan-out\n\n");
    md.append(
        String.format(
            "A one-shot Campaign (`startAt` now, e-mail, `audience: {all: true}`, priority bulk) to %,d users imported "
                + "through the API's bulk import (`POST /v1/imports/users`, CSV streamed: %.1f s, %,.0f users/s) into a "
                + "namespace of its own, created through the Kubernetes API; %d high-priority one-time passwords sent "
                + "through the API in the bench's namespace while its deliveries drain. Times from the run's start "
                + "(`campaign_runs.started_at`); \"queued\" = the run fanned out and none of its deliveries `pending` "
                + "(its counters), i.e. each one relayed to JetStream.%n%n",
            fo.users(),
            fo.importSeconds(),
            fo.users() / Math.max(0.001, fo.importSeconds()),
            fo.otp().sent()));
    md.append("| | |\n|---|---:|\n");
    md.append(
        String.format(
            "| run start → every delivery written and queued (`fanout_1m_seconds`) | **%.1f s** |%n",
            fo.queuedSeconds()));
    md.append(
        String.format("| Campaign created → run started | %.1f s |%n", fo.createdToStartSeconds()));
    md.append(
        String.format(
            "| run start → last page written: %,d deliveries | %.1f s, %,.0f/s |%n",
            fo.deliveries(), fo.writtenSeconds(), fo.writtenPerSecond()));
    md.append(
        String.format(
            "| raw Postgres COPY of the same rows, same run (`raw_pg_copy_rows_per_s`) | %,.0f rows/s; the fan-out %.3f of it |%n",
            run.rawPgCopyRowsPerSecond(), f.get("fanout_ratio_pg_copy")));
    md.append(
        String.format(
            "| run start → last delivery recorded sent | %.1f s, %,.0f/s |%n",
            fo.drainSeconds(), fo.sentPerSecond()));
    md.append(
        String.format(
            "| one-time password over the drain, accept → simulator: p50 / p99 / max | %.0f / %.0f / %.0f ms (%d of %d sent while it drained) |%n",
            fo.otp().percentile(50),
            fo.otp().percentile(99),
            fo.otp().percentile(100),
            fo.otp().sentWhileBusy(),
            fo.otp().sent()));
    md.append(
        String.format(
            "| operator resident memory: before / largest until queued / then | %.0f / %.0f / %.0f MB |%n",
            fo.rssMb()[0], fo.rssMb()[1], fo.rssMb()[2]));
    md.append(
        String.format(
            "| operator heap after a full GC: before / after | %.0f / %.0f MB |%n%n",
            fo.liveHeapMb()[0], fo.liveHeapMb()[1]));
    Map<String, Double> cpu = fo.cpuSeconds();
    md.append(
        String.format(
            "CPU seconds from the Campaign's creation to every delivery queued: operator %.1f, dispatchers %.1f, "
                + "Postgres %.1f, nats-server %.1f, bench JVM %.1f. The operator's CPU samples over the same span: "
                + "`profile/%s-flame.svg` and below; Postgres's statements: below.%n%n",
            cpu.getOrDefault("operator", 0.0),
            cpu.getOrDefault("dispatchers", 0.0),
            cpu.getOrDefault("postgres", 0.0),
            cpu.getOrDefault("nats-server", 0.0),
            cpu.getOrDefault("bench", 0.0),
            Bench.FANOUT_PROFILE));
  }

  private static void pgStatements(
      StringBuilder md, String span, List<PgStatements.Entry> statements) {
    double total = statements.stream().mapToDouble(PgStatements.Entry::totalMs).sum();
    md.append(
        "### Postgres (pg_stat_statements, "
            + span
            + ")\n\nThe statements Postgres spent the most execution "
            + "time on, normalised (`$1` for each value); a batch of many rows is one call.\n\n"
            + "| statement | calls | total ms | mean ms | rows |\n|---|---:|---:|---:|---:|\n");
    for (PgStatements.Entry e : statements) {
      String q = e.query().length() > 160 ? e.query().substring(0, 157) + "..." : e.query();
      md.append(
          String.format(
              "| `%s` | %,d | %,.0f | %.2f | %,d |%n",
              q.replace("|", "\\|"), e.calls(), e.totalMs(), e.meanMs(), e.rows()));
    }
    md.append(String.format("%nThese %d took %,.0f ms in all.%n%n", statements.size(), total));
  }

  private static void ceiling(
      StringBuilder md, String name, SimulatorCeilings.Ceiling c, double herald) {
    double share = c.acceptedPerSecond() == 0 ? 1 : herald / c.acceptedPerSecond();
    md.append(
        String.format(
            "| %s | %,.0f/s%s | %,.0f/s | %.0f %%%s |%n",
            name,
            c.acceptedPerSecond(),
            c.failed() == 0 ? "" : " (" + c.failed() + " failed)",
            herald,
            100 * share,
            share > 0.5 ? " **(the simulator may be what limits this figure)**" : ""));
  }
}
