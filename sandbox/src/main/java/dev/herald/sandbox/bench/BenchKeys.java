package dev.herald.sandbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures every {@code bench.json} carries at its top level, flat, each a positive number, with
 * what each one is. {@link BenchCompleteness} checks a file against this list; the report writes
 * them in this order.
 */
final class BenchKeys {
  static final Map<String, String> REQUIRED = required();

  private BenchKeys() {}

  private static Map<String, String> required() {
    Map<String, String> k = new LinkedHashMap<>();
    k.put(
        "raw_jetstream_roundtrip_per_s",
        "nats-server alone: async publish with message ids + pull + ack, ~300-byte messages, work-queue file stream (msg/s)");
    k.put(
        "raw_pg_lifecycle_rows_per_s",
        "Postgres alone: delivery rows inserted and moved pending → queued → sending → sent with set-based statements (rows/s)");
    k.put(
        "raw_pg_copy_rows_per_s",
        "Postgres alone: delivery rows COPYed into Herald's schema 1,000 a transaction, as a campaign's pages are (rows/s)");
    k.put(
        "e2e_deliveries_per_s_email",
        "e-mail only, API accept → recorded sent, steady state (deliveries/s)");
    k.put("e2e_deliveries_per_s_sms", "SMS only (deliveries/s)");
    k.put("e2e_deliveries_per_s_push", "push only, half APNs and half FCM (deliveries/s)");
    k.put(
        "e2e_deliveries_per_s_mixed",
        "e-mail + SMS + push to the same users at once (deliveries/s)");
    k.put("e2e_deliveries_per_s", "the headline: the mixed figure (deliveries/s)");
    k.put("e2e_ratio_jetstream", "e2e_deliveries_per_s / raw_jetstream_roundtrip_per_s");
    k.put("e2e_ratio_pg", "e2e_deliveries_per_s / raw_pg_lifecycle_rows_per_s");
    k.put(
        "otp_p50_ms",
        "high-priority single e-mail, API accept → at the simulator, nothing else running: median (ms)");
    k.put("otp_p99_ms", "the same: 99th percentile (ms)");
    k.put("otp_p50_ms_under_bulk", "the same, spread over a bulk e-mail drain: median (ms)");
    k.put(
        "otp_p99_ms_under_bulk", "the same, spread over a bulk e-mail drain: 99th percentile (ms)");
    k.put(
        "bulk_drain_deliveries_per_s",
        "the bulk drain the one-time passwords ran under, steady state (deliveries/s)");
    k.put(
        "api_sends_per_s",
        "single-recipient sends with Idempotency-Key from concurrent clients, accepted (sends/s)");
    k.put("api_p50_ms", "those sends' answer time: median (ms)");
    k.put("api_p99_ms", "those sends' answer time: 99th percentile (ms)");
    k.put(
        "dispatcher_rss_mb", "the largest dispatcher's resident memory during the e2e phases (MB)");
    k.put("operator_rss_mb", "the operator's resident memory during the e2e phases (MB)");
    k.put(
        "cpu_s_per_1000_operator", "operator CPU seconds per 1,000 deliveries over the e2e phases");
    k.put("cpu_s_per_1000_dispatchers", "all dispatchers' CPU seconds per 1,000 deliveries");
    k.put(
        "cpu_s_per_1000_postgres",
        "Postgres (postmaster and backends) CPU seconds per 1,000 deliveries");
    k.put("cpu_s_per_1000_nats", "nats-server CPU seconds per 1,000 deliveries");
    k.put(
        "cpu_s_per_1000_bench",
        "the bench's own JVM (simulators, API clients) CPU seconds per 1,000 deliveries");
    k.put(
        "sim_ceiling_per_s_sendgrid",
        "the SendGrid simulator's own ceiling, plain client (requests/s)");
    k.put("sim_ceiling_per_s_twilio", "the Twilio simulator's own ceiling (requests/s)");
    k.put("sim_ceiling_per_s_fcm", "the FCM simulator's own ceiling (requests/s)");
    k.put("sim_ceiling_per_s_apns", "the APNs simulator's own ceiling, HTTP/2 (requests/s)");
    k.put(
        "fanout_1m_seconds",
        "a one-shot Campaign (e-mail, audience all): its run's start → every delivery written and queued to JetStream (s)");
    k.put(
        "fanout_users",
        "that Campaign's audience, imported through the API: 1,000,000 in a full run, fewer in --quick (users)");
    k.put(
        "fanout_written_per_s",
        "deliveries the fan-out wrote per second, the run's start → its last page (deliveries/s)");
    k.put("fanout_ratio_pg_copy", "fanout_written_per_s / raw_pg_copy_rows_per_s");
    k.put(
        "fanout_drain_deliveries_per_s",
        "that Campaign's deliveries recorded sent per second, the run's start → its last one (deliveries/s)");
    k.put(
        "otp_p50_ms_under_campaign",
        "high-priority single e-mail, accept → at the simulator, spread over that Campaign's drain: median (ms)");
    k.put("otp_p99_ms_under_campaign", "the same: 99th percentile (ms)");
    k.put(
        "operator_rss_mb_fanout_start",
        "the operator's resident memory before the Campaign was created (MB)");
    k.put(
        "operator_rss_mb_fanout_max",
        "the operator's largest resident memory until every delivery was queued (MB)");
    k.put("operator_rss_mb_fanout_end", "the operator's resident memory once they were (MB)");
    k.put(
        "operator_live_heap_mb_fanout_start",
        "the operator's heap after a full GC (jcmd GC.run, GC.heap_info) before the Campaign (MB)");
    k.put(
        "operator_live_heap_mb_fanout_end",
        "the same after every delivery was queued and the one-time passwords arrived (MB)");
    return java.util.Collections.unmodifiableMap(k);
  }
}
