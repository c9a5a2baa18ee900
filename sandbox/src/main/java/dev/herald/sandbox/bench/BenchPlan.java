package dev.herald.sandbox.bench;

import java.time.Duration;

/**
 * How big each part of a bench run is.
 *
 * @param mode "quick" or "full", as bench.json says
 * @param rawMessages messages through the raw JetStream round trip
 * @param rawRows rows through the raw Postgres lifecycle
 * @param ceilingTime how long each simulator's ceiling is measured
 * @param warmupUsers users of the unmeasured mixed send that warms the JVMs up
 * @param emailDeliveries, smsDeliveries deliveries of the single-channel bulk phases (raw
 *     addresses)
 * @param pushUsers users of the push phase (one device each) and of the bench's contact store
 * @param mixedUsers users of the mixed phase (e-mail, SMS and push each: three deliveries a user)
 * @param otpSends one-time passwords in each latency series
 * @param otpInterval the pace of the idle series
 * @param bulkDrain e-mail deliveries of the drain the second series runs under
 * @param apiKeys, apiClientsPerKey, apiTime the single-send API phase
 * @param fanoutUsers the audience of the one-shot campaign (one e-mail each), and the rows of the
 *     raw COPY measured beside it
 */
record BenchPlan(
    String mode,
    int rawMessages,
    int rawRows,
    Duration ceilingTime,
    int warmupUsers,
    int emailDeliveries,
    int smsDeliveries,
    int pushUsers,
    int mixedUsers,
    int otpSends,
    Duration otpInterval,
    int bulkDrain,
    int apiKeys,
    int apiClientsPerKey,
    Duration apiTime,
    int fanoutUsers) {

  /** About two minutes on 2 cores, for CI: every figure, from smaller runs. */
  static BenchPlan quick() {
    return new BenchPlan(
        "quick",
        20_000,
        20_000,
        Duration.ofSeconds(1),
        500,
        4_000,
        4_000,
        2_000,
        2_000,
        200,
        Duration.ofMillis(15),
        10_000,
        4,
        4,
        Duration.ofSeconds(4),
        20_000);
  }

  /**
   * The sizes the issue asks for: ≥200 one-time passwords over a ≥200,000-delivery drain, a
   * campaign to 1,000,000 users.
   */
  static BenchPlan full() {
    return new BenchPlan(
        "full",
        100_000,
        100_000,
        Duration.ofSeconds(5),
        3_000,
        50_000,
        50_000,
        50_000,
        34_000,
        200,
        Duration.ofMillis(50),
        200_000,
        40,
        4,
        Duration.ofSeconds(20),
        1_000_000);
  }

  int users() {
    return Math.max(Math.max(pushUsers, mixedUsers), warmupUsers);
  }

  /** The longest a phase of {@code deliveries} may take before the bench gives up on it. */
  static Duration patience(int deliveries) {
    return Duration.ofSeconds(Math.max(90, deliveries / 250));
  }
}
