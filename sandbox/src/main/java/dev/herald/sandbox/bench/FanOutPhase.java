package dev.herald.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.sandbox.local.HeraldApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-shot Campaign to a large audience, as a team would run one: {@code users} users imported
 * through the API's bulk import (CSV, streamed) into a namespace of their own, then a Campaign with
 * {@code startAt} now, e-mail, {@code audience: {all: true}} created through the Kubernetes API.
 * The figure is the time from the run's start (its {@code campaign_runs.started_at}) to every
 * delivery written and queued — the run fanned out and none of its deliveries {@code pending}, read
 * from the run's counters — so both the operator's pages and its relay to JetStream are in it.
 * While the fan-out runs the operator's resident memory is sampled; its live heap (after a full GC)
 * is read before the Campaign is created and after the run is queued. High-priority one-time
 * passwords are sent through the API (another namespace, the same lanes) while the run's deliveries
 * drain, and the phase ends when every one of them reached the simulator.
 */
final class FanOutPhase {
  static final String NAMESPACE = "bench-campaign";
  static final String CAMPAIGN = "fanout";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the phase measured.
   *
   * @param importSeconds the API's bulk import of the audience (not part of the fan-out)
   * @param createdToStartSeconds the Campaign's creation to its run's start (the reconcile)
   * @param writtenSeconds the run's start to its last page written
   * @param queuedSeconds the run's start to every delivery written and queued
   * @param drainSeconds the run's start to its last delivery recorded sent
   * @param rssMb the operator's resident memory before the Campaign, the largest until the run was
   *     queued, and then
   * @param liveHeapMb the operator's heap after a full GC before the Campaign and after the run was
   *     queued (and the passwords sent)
   * @param cpuSeconds CPU seconds of each role from the Campaign's creation to the run queued
   * @param statements the statements Postgres spent the most time on over the same span
   */
  record Result(
      int users,
      double importSeconds,
      long deliveries,
      double createdToStartSeconds,
      double writtenSeconds,
      double queuedSeconds,
      double drainSeconds,
      long sent,
      double[] rssMb,
      double[] liveHeapMb,
      OtpPhase.Latencies otp,
      Instant created,
      Instant queued,
      Map<String, Double> cpuSeconds,
      List<PgStatements.Entry> statements) {
    /** Deliveries the fan-out wrote per second, start to last page. */
    double writtenPerSecond() {
      return writtenSeconds <= 0 ? 0 : deliveries / writtenSeconds;
    }

    /** Deliveries recorded sent per second, start to last sent. */
    double sentPerSecond() {
      return drainSeconds <= 0 ? 0 : sent / drainSeconds;
    }
  }

  private final BenchSystem system;
  private final ProcessMeter meter;
  private final OtpPhase otp;

  FanOutPhase(BenchSystem system, ProcessMeter meter, OtpPhase otp) {
    this.system = system;
    this.meter = meter;
    this.otp = otp;
  }

  /**
   * Runs the phase to the end of the run's drain. {@code otpKey} sends the passwords (a key of the
   * bench's namespace); {@code drainRate}, the bulk drain's rate measured before, spreads them over
   * most of the time the run should take to drain.
   */
  Result run(BenchProgress progress, int users, String otpKey, int otpSends, double drainRate)
      throws Exception {
    AtomicLong counter = new AtomicLong();
    progress.begin(
        String.format("import %,d users (API, CSV)", users), counter::get, users, "users");
    String key = system.setUpCampaignNamespace(NAMESPACE);
    Instant importStarted = Instant.now();
    HeraldApi.Answer imported =
        system
            .api()
            .importUsers(
                key, "text/csv", () -> new AudienceCsv(users, counter), Duration.ofMinutes(10));
    double importSeconds = Duration.between(importStarted, Instant.now()).toMillis() / 1000.0;
    JsonNode report = imported.status() == 200 ? JSON.readTree(imported.body()) : null;
    if (report == null || report.path("imported").asLong() != users) {
      throw new IllegalStateException(
          "the import of the campaign's audience failed: "
              + imported.status()
              + " "
              + imported.body());
    }
    progress.finish(String.format("%,.0f users/s (%.1f s)", users / importSeconds, importSeconds));

    long operator = system.roles().get("operator").get(0);
    double heapBefore = ProcessMeter.liveHeapMb(operator);
    double rssBefore = ProcessMeter.rssMb(operator);
    PgStatements.reset(system.postgres.jdbcUrl(), system.postgres.user());
    Map<String, Double> cpuBefore = meter.cpuSeconds();
    RssSampler rss = new RssSampler(meter);
    long mailsBefore = system.sims.mails().get();
    int otpBefore = system.sims.otpArrivals().size();
    // the campaign's mails: all the simulator took since, but the passwords
    java.util.function.LongSupplier campaignMails =
        () ->
            system.sims.mails().get()
                - mailsBefore
                - (system.sims.otpArrivals().size() - otpBefore);

    AtomicLong queuedSoFar = new AtomicLong();
    progress.begin(
        String.format("campaign fan-out to %,d users + one-time passwords", users),
        queuedSoFar::get,
        users,
        "queued");
    rss.start();
    Instant created = Instant.now();
    createCampaign(created.minusSeconds(1));
    Run run = awaitRun();
    AtomicReference<Instant> queuedAt = new AtomicReference<>();
    AtomicReference<Exception> watchFailure = new AtomicReference<>();
    AtomicReference<Map<String, Double>> cpuAtQueued = new AtomicReference<>();
    Thread watcher =
        Thread.ofPlatform()
            .name("bench-fanout-watch")
            .start(
                () -> {
                  try {
                    Instant deadline =
                        Instant.now().plus(BenchPlan.patience(users).multipliedBy(2));
                    while (Instant.now().isBefore(deadline)) {
                      Progress p = progress(run.id());
                      queuedSoFar.set(p.written() - p.pending());
                      if (p.fannedOut() && p.pending() == 0) {
                        queuedAt.set(Instant.now());
                        cpuAtQueued.set(meter.cpuSeconds());
                        return;
                      }
                      BenchSystem.pause(Duration.ofMillis(100));
                    }
                    throw new IllegalStateException(
                        "the campaign's deliveries were not all written and queued in time");
                  } catch (Exception e) {
                    watchFailure.set(e);
                  }
                });

    // the passwords start once the run's mails flow, and are spread over most of its drain
    BenchSystem.await(
        () -> campaignMails.getAsLong() >= Math.min(1_000, users / 10),
        BenchPlan.patience(users),
        "the campaign's mails did not start");
    double expectedSeconds = users / Math.max(100, drainRate);
    Duration interval = Duration.ofNanos((long) (expectedSeconds * 0.6 / otpSends * 1e9));
    OtpPhase.Latencies latencies =
        otp.run(
            "under-campaign",
            otpKey,
            otpSends,
            interval,
            () -> campaignMails.getAsLong() < users,
            n -> {});
    watcher.join();
    if (watchFailure.get() != null) {
      throw watchFailure.get();
    }
    Map<String, Double> rssMax = rss.stop();
    double rssAfter = ProcessMeter.rssMb(operator);
    List<PgStatements.Entry> statements =
        PgStatements.top(system.postgres.jdbcUrl(), system.postgres.user(), 15);
    double heapAfter = ProcessMeter.liveHeapMb(operator);
    Times times = times(run.id());
    double queuedSeconds = Duration.between(times.started(), queuedAt.get()).toMillis() / 1000.0;
    progress.finish(
        String.format(
            "%,d deliveries written in %.1f s (%,.0f/s), all queued at %.1f s; OTP p50 %.0f ms,"
                + " p99 %.0f ms (%d of %d sent while it drained)",
            times.total(),
            times.writtenSeconds(),
            times.total() / Math.max(0.001, times.writtenSeconds()),
            queuedSeconds,
            latencies.percentile(50),
            latencies.percentile(99),
            latencies.sentWhileBusy(),
            latencies.sent()));

    progress.begin("campaign drain", campaignMails, users, "mails");
    BenchSystem.await(
        () -> campaignMails.getAsLong() >= times.total() && unfinished(run.id()) == 0,
        BenchPlan.patience(users).multipliedBy(2),
        "the campaign's deliveries did not all finish");
    Sent sent = sent(run.id());
    double drainSeconds = Duration.between(times.started(), sent.last()).toMillis() / 1000.0;
    progress.finish(
        String.format(
            "%,d sent, the last %.1f s after the run started (%,.0f/s)",
            sent.count(), drainSeconds, sent.count() / Math.max(0.001, drainSeconds)));
    return new Result(
        users,
        importSeconds,
        times.total(),
        Duration.between(created, times.started()).toMillis() / 1000.0,
        times.writtenSeconds(),
        queuedSeconds,
        drainSeconds,
        sent.count(),
        new double[] {rssBefore, rssMax.getOrDefault("operator", 0.0), rssAfter},
        new double[] {heapBefore, heapAfter},
        latencies,
        created,
        queuedAt.get(),
        ProcessMeter.difference(cpuBefore, cpuAtQueued.get()),
        statements);
  }

  private void createCampaign(Instant startAt) {
    system
        .client()
        .resource(
            "apiVersion: herald.dev/v1alpha1\nkind: Campaign\nmetadata: {name: "
                + CAMPAIGN
                + ", namespace: "
                + NAMESPACE
                + "}\nspec:\n  template: campaign\n  audience: {all: true}\n  channels: [email]\n"
                + "  startAt: \""
                + startAt
                + "\"\n  data: {run: fanout}\n")
        .create();
  }

  private record Run(UUID id, Instant started) {}

  /** The run the operator started for the Campaign. */
  private Run awaitRun() {
    AtomicReference<Run> found = new AtomicReference<>();
    BenchSystem.await(
        () -> {
          try (Connection c = system.postgres.connect();
              PreparedStatement ps =
                  c.prepareStatement(
                      "select id, started_at from campaign_runs where tenant = ? and campaign = ?")) {
            ps.setString(1, NAMESPACE);
            ps.setString(2, CAMPAIGN);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                found.set(
                    new Run(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, OffsetDateTime.class).toInstant()));
              }
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          return found.get() != null;
        },
        Duration.ofSeconds(60),
        "the operator did not start the Campaign's run");
    return found.get();
  }

  private record Progress(boolean fannedOut, long written, long pending) {}

  /**
   * Where the run stands: the pending count from its counters (the deltas not folded yet included),
   * as the Campaign's status reads it, never a count over its deliveries.
   */
  private Progress progress(UUID run) throws SQLException {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                """
                select r.state <> 'fanning_out', r.written,
                  (select coalesce(sum(n), 0) from (
                     select n from delivery_counts where notification_id = r.id and state = 'pending'
                     union all
                     select n from delivery_count_deltas where notification_id = r.id and state = 'pending') p)
                from campaign_runs r where r.id = ?""")) {
      ps.setObject(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Progress(rs.getBoolean(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  private record Times(Instant started, double writtenSeconds, long total) {}

  /** The run's start and how long its pages took, as the operator recorded them. */
  private Times times(UUID run) throws SQLException {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select started_at, extract(epoch from fanned_out_at - started_at), total "
                    + "from campaign_runs where id = ?")) {
      ps.setObject(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Times(
            rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getDouble(2), rs.getLong(3));
      }
    }
  }

  /** The run's deliveries not finished yet, from its counters. */
  private long unfinished(UUID run) {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                """
                select coalesce(sum(n), 0) from (
                  select n, state from delivery_counts where notification_id = ?
                  union all
                  select n, state from delivery_count_deltas where notification_id = ?) p
                where state in ('pending', 'queued', 'sending')""")) {
      ps.setObject(1, run);
      ps.setObject(2, run);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Sent(long count, Instant last) {}

  private Sent sent(UUID run) throws SQLException {
    try (Connection c = system.postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*), max(sent_at) from deliveries where notification_id = ? and state = 'sent'")) {
      ps.setObject(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
        return new Sent(rs.getLong(1), last == null ? Instant.now() : last.toInstant());
      }
    }
  }

  /**
   * The audience as the CSV a team would export: {@code id,email,locale}, ids zero-padded so that
   * their order is their number; generated as it is read, {@code read} counting the users sent.
   */
  static final class AudienceCsv extends InputStream {
    private final int users;
    private final AtomicLong read;
    private int next;
    private byte[] chunk = "id,email,locale\n".getBytes(StandardCharsets.US_ASCII);
    private int position;

    AudienceCsv(int users, AtomicLong read) {
      this.users = users;
      this.read = read;
    }

    static String userId(int i) {
      return String.format("c-%07d", i);
    }

    private boolean refill() {
      if (next >= users) {
        return false;
      }
      StringBuilder b = new StringBuilder(64 * 1_000);
      int end = Math.min(users, next + 1_000);
      for (; next < end; next++) {
        String id = userId(next);
        b.append(id).append(',').append(id).append("@campaign.bench.example,en-US\n");
      }
      read.set(next);
      chunk = b.toString().getBytes(StandardCharsets.US_ASCII);
      position = 0;
      return true;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      while (position >= chunk.length) {
        if (!refill()) {
          return -1;
        }
      }
      int n = Math.min(len, chunk.length - position);
      System.arraycopy(chunk, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      next = users;
    }
  }
}
