package dev.herald.sandbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check .ci/run makes of bench.json: every figure present and positive; it never judges speed.
 */
class BenchCompletenessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode complete() {
    ObjectNode bench = JSON.createObjectNode().put("mode", "quick");
    BenchKeys.REQUIRED.keySet().forEach(k -> bench.put(k, 0.5));
    return bench;
  }

  @Test
  void aBenchWithEveryFigurePositiveIsComplete() {
    assertEquals(List.of(), BenchCompleteness.problems(complete()));
  }

  @Test
  void eachMissingFigureIsNamed() {
    ObjectNode bench = complete();
    bench.remove("otp_p99_ms_under_bulk");
    bench.remove("sim_ceiling_per_s_apns");
    assertEquals(
        List.of("otp_p99_ms_under_bulk: missing", "sim_ceiling_per_s_apns: missing"),
        BenchCompleteness.problems(bench));
  }

  @Test
  void zeroNegativeNullAndTextAreRefused() {
    ObjectNode bench = complete();
    bench.put("raw_jetstream_roundtrip_per_s", 0);
    bench.put("api_sends_per_s", -3);
    bench.putNull("dispatcher_rss_mb");
    bench.put("e2e_ratio_pg", "0.1");
    List<String> problems = BenchCompleteness.problems(bench);
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(
        problems.contains("raw_jetstream_roundtrip_per_s: not positive (0)"), problems.toString());
    assertTrue(problems.contains("api_sends_per_s: not positive (-3)"), problems.toString());
    assertTrue(problems.contains("dispatcher_rss_mb: missing"), problems.toString());
    assertTrue(problems.contains("e2e_ratio_pg: not a number (\"0.1\")"), problems.toString());
  }

  @Test
  void aBenchWithoutItsModeOrNotAnObjectIsIncomplete() {
    ObjectNode bench = complete();
    bench.remove("mode");
    assertEquals(List.of("mode: missing"), BenchCompleteness.problems(bench));
    assertEquals(
        List.of("bench.json is not a JSON object"),
        BenchCompleteness.problems(JSON.createArrayNode()));
  }

  @Test
  void theHeadlineFiguresOfTheIssueAreRequired() {
    for (String key :
        List.of(
            "raw_jetstream_roundtrip_per_s",
            "raw_pg_lifecycle_rows_per_s",
            "e2e_deliveries_per_s_email",
            "e2e_deliveries_per_s_sms",
            "e2e_deliveries_per_s_push",
            "e2e_deliveries_per_s_mixed",
            "e2e_ratio_jetstream",
            "e2e_ratio_pg",
            "otp_p50_ms",
            "otp_p99_ms",
            "otp_p99_ms_under_bulk",
            "api_sends_per_s",
            "dispatcher_rss_mb",
            "operator_rss_mb",
            "cpu_s_per_1000_operator",
            "cpu_s_per_1000_dispatchers",
            "cpu_s_per_1000_postgres",
            "cpu_s_per_1000_nats",
            "raw_pg_copy_rows_per_s",
            "fanout_1m_seconds",
            "fanout_users",
            "fanout_ratio_pg_copy",
            "otp_p99_ms_under_campaign",
            "operator_rss_mb_fanout_max",
            "operator_live_heap_mb_fanout_start",
            "operator_live_heap_mb_fanout_end")) {
      assertTrue(BenchKeys.REQUIRED.containsKey(key), key);
    }
  }
}
