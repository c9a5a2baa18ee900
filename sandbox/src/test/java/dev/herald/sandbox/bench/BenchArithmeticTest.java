package dev.herald.sandbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The arithmetic the bench's figures rest on, on made-up inputs (no run, no clock). */
class BenchArithmeticTest {
  @Test
  void percentilesAreNearestRank() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertEquals(50, Percentile.of(hundred, 50));
    assertEquals(99, Percentile.of(hundred, 99));
    assertEquals(100, Percentile.of(hundred, 100));
    assertEquals(1, Percentile.of(hundred, 0));
    assertEquals(0, Percentile.of(new double[0], 99));
  }

  @Test
  void theSteadyRateLeavesOutTheRampAndTheTail() {
    // 1,000 deliveries: 100 trickle in over 10 s, 800 at one a millisecond, 100 trickle out over 10
    // s
    long[] at = new long[1000];
    for (int i = 0; i < 100; i++) {
      at[i] = i * 100L;
    }
    for (int i = 100; i < 900; i++) {
      at[i] = 10_000 + (i - 100);
    }
    for (int i = 900; i < 1000; i++) {
      at[i] = 10_800 + (i - 899) * 100L;
    }
    assertEquals(1000.0, BulkPhase.steadyRate(at), 2.0);
    assertEquals(0, BulkPhase.steadyRate(new long[] {1, 2, 3}));
  }

  @Test
  void selfTimeIsGroupedByTheFirstThreeNamesOfThePackage() {
    assertEquals("io.netty.handler", JfrProfile.packageOf("io.netty.handler.ssl.SslHandler.wrap"));
    assertEquals(
        "dev.herald.dispatcher",
        JfrProfile.packageOf("dev.herald.dispatcher.consumer.LanePuller$$Lambda.run"));
    assertEquals("java.lang", JfrProfile.packageOf("java.lang.String.equals"));
    assertEquals("(default)", JfrProfile.packageOf("Main.main"));
  }

  @Test
  void theCampaignsAudienceIsACsvOfEveryUserOnce() throws Exception {
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    String csv;
    try (FanOutPhase.AudienceCsv in = new FanOutPhase.AudienceCsv(2_500, read)) {
      csv = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
    java.util.List<String> lines = csv.lines().toList();
    assertEquals(2_501, lines.size());
    assertEquals("id,email,locale", lines.get(0));
    assertEquals("c-0000000,c-0000000@campaign.bench.example,en-US", lines.get(1));
    assertEquals("c-0002499,c-0002499@campaign.bench.example,en-US", lines.get(2_500));
    assertEquals(2_500, lines.stream().skip(1).distinct().count());
    assertEquals(2_500, read.get());
  }
}
