package dev.herald.sandbox.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one bench run measured, and the flat figures of {@link BenchKeys} computed from it.
 *
 * @param ceilings each simulator's own ceiling, by simulator
 * @param e2e the single-channel and mixed phases, in the order they ran
 * @param maxRssMb each role's largest resident memory during the e2e phases
 * @param profiles the JFR profile of each kind of Herald process ("dispatcher", "operator")
 * @param pgStatements the statements Postgres spent the most time on during the e2e phases
 * @param rawPgCopyRowsPerSecond the raw ceiling of the fan-out's writes ({@link
 *     RawPostgres#copyRowsPerSecond})
 * @param fanOut the one-shot campaign
 */
record BenchRun(
    BenchPlan plan,
    Instant startedAt,
    Duration elapsed,
    Machine machine,
    int dispatchers,
    double rawJetStreamPerSecond,
    double rawPgRowsPerSecond,
    double rawPgCopyRowsPerSecond,
    Map<String, SimulatorCeilings.Ceiling> ceilings,
    List<BulkPhase.Result> e2e,
    BulkPhase.Result bulkDrain,
    OtpPhase.Latencies otpIdle,
    OtpPhase.Latencies otpUnderBulk,
    ApiSendsPhase.Result api,
    Map<String, Double> maxRssMb,
    Map<String, JfrProfile> profiles,
    List<PgStatements.Entry> pgStatements,
    FanOutPhase.Result fanOut) {

  /** The machine the run was on, and how busy it was. */
  record Machine(
      int cores,
      double memoryGb,
      String cpu,
      String os,
      String java,
      double loadAtStart,
      double loadAtEnd) {}

  BulkPhase.Result phase(String name) {
    return e2e.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no phase " + name));
  }

  /** CPU seconds per 1,000 deliveries of each role, over every e2e phase together. */
  Map<String, Double> cpuPer1000() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    long deliveries = 0;
    for (BulkPhase.Result p : e2e) {
      p.cpuSeconds().forEach((role, s) -> seconds.merge(role, s, Double::sum));
      deliveries += p.sentAtMillis().length;
    }
    long d = Math.max(1, deliveries);
    Map<String, Double> per1000 = new LinkedHashMap<>();
    seconds.forEach((role, s) -> per1000.put(role, s * 1000 / d));
    return per1000;
  }

  /** The flat figures, in {@link BenchKeys#REQUIRED}'s order. */
  Map<String, Double> figures() {
    Map<String, Double> f = new LinkedHashMap<>();
    double mixed = phase("mixed").steadyPerSecond();
    f.put("raw_jetstream_roundtrip_per_s", rawJetStreamPerSecond);
    f.put("raw_pg_lifecycle_rows_per_s", rawPgRowsPerSecond);
    f.put("raw_pg_copy_rows_per_s", rawPgCopyRowsPerSecond);
    f.put("e2e_deliveries_per_s_email", phase("email").steadyPerSecond());
    f.put("e2e_deliveries_per_s_sms", phase("sms").steadyPerSecond());
    f.put("e2e_deliveries_per_s_push", phase("push").steadyPerSecond());
    f.put("e2e_deliveries_per_s_mixed", mixed);
    f.put("e2e_deliveries_per_s", mixed);
    f.put("e2e_ratio_jetstream", rawJetStreamPerSecond == 0 ? 0 : mixed / rawJetStreamPerSecond);
    f.put("e2e_ratio_pg", rawPgRowsPerSecond == 0 ? 0 : mixed / rawPgRowsPerSecond);
    f.put("otp_p50_ms", otpIdle.percentile(50));
    f.put("otp_p99_ms", otpIdle.percentile(99));
    f.put("otp_p50_ms_under_bulk", otpUnderBulk.percentile(50));
    f.put("otp_p99_ms_under_bulk", otpUnderBulk.percentile(99));
    f.put("bulk_drain_deliveries_per_s", bulkDrain.steadyPerSecond());
    f.put("api_sends_per_s", api.acceptedPerSecond());
    f.put("api_p50_ms", api.percentile(50));
    f.put("api_p99_ms", api.percentile(99));
    f.put("dispatcher_rss_mb", maxRssMb.getOrDefault("dispatchers", 0.0));
    f.put("operator_rss_mb", maxRssMb.getOrDefault("operator", 0.0));
    Map<String, Double> cpu = cpuPer1000();
    f.put("cpu_s_per_1000_operator", cpu.getOrDefault("operator", 0.0));
    f.put("cpu_s_per_1000_dispatchers", cpu.getOrDefault("dispatchers", 0.0));
    f.put("cpu_s_per_1000_postgres", cpu.getOrDefault("postgres", 0.0));
    f.put("cpu_s_per_1000_nats", cpu.getOrDefault("nats-server", 0.0));
    f.put("cpu_s_per_1000_bench", cpu.getOrDefault("bench", 0.0));
    f.put("sim_ceiling_per_s_sendgrid", ceilings.get("sendgrid").acceptedPerSecond());
    f.put("sim_ceiling_per_s_twilio", ceilings.get("twilio").acceptedPerSecond());
    f.put("sim_ceiling_per_s_fcm", ceilings.get("fcm").acceptedPerSecond());
    f.put("sim_ceiling_per_s_apns", ceilings.get("apns").acceptedPerSecond());
    f.put("fanout_1m_seconds", fanOut.queuedSeconds());
    f.put("fanout_users", (double) fanOut.users());
    f.put("fanout_written_per_s", fanOut.writtenPerSecond());
    f.put(
        "fanout_ratio_pg_copy",
        rawPgCopyRowsPerSecond == 0 ? 0 : fanOut.writtenPerSecond() / rawPgCopyRowsPerSecond);
    f.put("fanout_drain_deliveries_per_s", fanOut.sentPerSecond());
    f.put("otp_p50_ms_under_campaign", fanOut.otp().percentile(50));
    f.put("otp_p99_ms_under_campaign", fanOut.otp().percentile(99));
    f.put("operator_rss_mb_fanout_start", fanOut.rssMb()[0]);
    f.put("operator_rss_mb_fanout_max", fanOut.rssMb()[1]);
    f.put("operator_rss_mb_fanout_end", fanOut.rssMb()[2]);
    f.put("operator_live_heap_mb_fanout_start", fanOut.liveHeapMb()[0]);
    f.put("operator_live_heap_mb_fanout_end", fanOut.liveHeapMb()[1]);
    return f;
  }
}
