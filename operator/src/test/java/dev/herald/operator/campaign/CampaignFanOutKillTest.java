package dev.herald.operator.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.campaign.CampaignAudience;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.schedule.QuietHours;
import dev.herald.core.schedule.RecipientLocalTime;
import dev.herald.core.schedule.TimeZones;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NewNotification;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Pacing;
import dev.herald.core.store.Source;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * A run of 100,000 recipients fanned out by a child JVM that is killed (SIGKILL) mid-way, then
 * resumed by another: exactly one delivery per user, none twice, counters equal to the rows, each
 * due time the recipient's local one, and the resuming JVM's heap flat from page to page.
 */
class CampaignFanOutKillTest {
  private static final String TENANT = "shop";
  private static final int USERS = 100_000;
  private static final int PAGE = 1000;
  private static final List<String> ZONES =
      java.util.Arrays.asList(
          "Europe/Berlin",
          "America/New_York",
          "Asia/Tokyo",
          "Australia/Lord_Howe",
          null,
          "Mars/Base");

  private static TestDatabase testDb;
  private static Database db;
  private static Jdbi jdbi;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("campaign_kill");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "kill-test");
    jdbi = db.jdbi();
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  private static String userId(int i) {
    return "u" + String.format("%06d", i);
  }

  /** 100,000 users by COPY; every 1000th suppressed, every 997th opted out of marketing email. */
  private static void importUsers() throws Exception {
    StringBuilder csv = new StringBuilder(USERS * 80);
    for (int i = 0; i < USERS; i++) {
      String zone = ZONES.get(i % ZONES.size());
      csv.append(TENANT)
          .append(",")
          .append(userId(i))
          .append(",")
          .append(userId(i))
          .append("@example.com,")
          .append(zone == null ? "" : zone)
          .append(",\"{\"\"plan\"\": \"\"")
          .append(i % 2 == 0 ? "pro" : "free")
          .append("\"\"}\"\n");
    }
    try (Connection c = testDb.connect()) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "copy users (tenant, user_id, email, time_zone, attributes) from stdin (format csv)",
              new StringReader(csv.toString()));
    }
  }

  @Test
  void aRunKilledMidWayResumesWithNoGapAndNoDuplicate() throws Exception {
    importUsers();
    jdbi.useHandle(
        h -> {
          h.execute(
              "insert into suppressions (tenant, channel, address, reason) "
                  + "select tenant, 'email', email, 'hard_bounce' from users "
                  + "where tenant = 'shop' and substr(user_id, 2)::int % 1000 = 0");
          h.execute(
              "insert into preferences (tenant, user_id, channel, category, opted_in) "
                  + "select tenant, user_id, 'email', 'marketing', false from users "
                  + "where tenant = 'shop' and substr(user_id, 2)::int % 997 = 1");
        });
    assertThat(count("select count(*) from users")).isEqualTo(USERS);

    CampaignSpec spec = new CampaignSpec();
    spec.setTemplate("spring-sale");
    spec.setAudience(CampaignAudience.everyone());
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setSchedule("0 7 * * 1");
    spec.setTimeZone("Europe/Berlin");
    spec.setDeliverAt("07:30");
    spec.setQuietHours(new dev.herald.api.campaign.QuietHours("21:00", "08:00"));
    Instant scheduledFor = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    NotificationStore notifications = new NotificationStore(jdbi);
    NotificationStore.Accepted accepted =
        notifications.accept(
            new NewNotification(
                TENANT,
                Source.CAMPAIGN,
                CampaignRunStore.sourceRef("spring-sale", "uid-spring-sale", scheduledFor),
                "spring-sale",
                "spring-sale",
                "marketing",
                Priority.BULK,
                List.of(Channel.EMAIL),
                List.of(),
                new TemplateContent(
                    null,
                    new EmailContent("Sale", "<p>Sale</p>", null, null, null, null),
                    null,
                    null,
                    null,
                    false),
                Json.MAPPER.createObjectNode(),
                null,
                null),
            List.of());
    CampaignRunStore runs = new CampaignRunStore(jdbi);
    CampaignRunStore.Run run =
        runs.create(
            accepted.notification(),
            "spring-sale",
            "uid-spring-sale",
            scheduledFor,
            startedAt,
            Json.write(spec),
            Pacing.NONE);
    // created once: a second start finds the same run
    assertThat(
            runs.create(
                    accepted.notification(),
                    "spring-sale",
                    "uid-spring-sale",
                    scheduledFor,
                    startedAt,
                    Json.write(spec),
                    Pacing.NONE)
                .id())
        .isEqualTo(run.id());

    // 1. a child fans out and is killed after 30 pages, mid-page most likely
    Process first = child(run.id());
    int seen = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("page ") && ++seen == 30) {
          first.destroyForcibly();
          break;
        }
      }
    }
    assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).isEqualTo(30);

    CampaignRunStore.Run killed = runs.find(run.id()).orElseThrow();
    assertThat(killed.state()).isEqualTo(CampaignRunStore.State.FANNING_OUT);
    assertThat(killed.usersWritten()).isBetween(30L * PAGE, USERS - 1L);
    assertThat(killed.usersWritten() % PAGE).isZero();
    // what is written is exactly the users up to the checkpoint: no gap, nothing beyond it
    assertThat(count("select count(*) from deliveries")).isEqualTo(killed.written());
    assertThat(count("select count(distinct user_id) from deliveries"))
        .isEqualTo(killed.usersWritten());
    String maxUser =
        jdbi.withHandle(
            h -> h.select("select max(user_id) from deliveries").mapTo(String.class).one());
    assertThat(maxUser).isEqualTo(killed.checkpoint());
    long usersUpToCheckpoint =
        jdbi.withHandle(
            h ->
                h.select("select count(*) from users where user_id <= ?", killed.checkpoint())
                    .mapTo(Long.class)
                    .one());
    assertThat(usersUpToCheckpoint).isEqualTo(killed.usersWritten());

    // 2. another child resumes from the checkpoint to the end
    Process second = child(run.id());
    List<Long> heaps = new ArrayList<>();
    String last = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        last = line;
        if (line.startsWith("page ")) {
          long heap = Long.parseLong(line.split(" ")[3]);
          if (heap >= 0) {
            heaps.add(heap);
          }
        }
      }
    }
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
    assertThat(last).isEqualTo("done FANNED_OUT");

    CampaignRunStore.Run done = runs.find(run.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(CampaignRunStore.State.SENDING);
    assertThat(done.usersWritten()).isEqualTo(USERS);
    assertThat(done.written()).isEqualTo(USERS);
    assertThat(done.total()).isEqualTo((long) USERS);
    assertThat(count("select count(*) from deliveries")).isEqualTo(USERS);
    assertThat(count("select count(distinct user_id) from deliveries where channel = 'email'"))
        .isEqualTo(USERS);
    assertThat(
            count(
                "select count(*) from (select user_id from deliveries group by user_id having count(*) > 1) d"))
        .isZero();
    assertThat(count("select count(*) from deliveries where notification_id <> '" + run.id() + "'"))
        .isZero();

    // counters equal the rows
    DeliveryCounts counters = notifications.counts(run.id());
    assertThat(counters.byChannel()).isEqualTo(groupBy());
    assertThat(counters.count(DeliveryState.SUPPRESSED)).isEqualTo(100 + 101);
    assertThat(counters.total()).isEqualTo(USERS);

    // each pending delivery is due at its recipient's local 07:30, deferred by quiet hours to 08:00
    RecipientLocalTime local =
        new RecipientLocalTime(
            TimeZones.campaign("Europe/Berlin"),
            LocalTime.of(7, 30),
            new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)));
    for (int i = 1; i <= ZONES.size(); i++) {
      int user = 1000 + i;
      String zone = ZONES.get(user % ZONES.size());
      Instant due =
          jdbi.withHandle(
              h ->
                  h.select("select next_attempt_at from deliveries where user_id = ?", userId(user))
                      .mapTo(OffsetDateTime.class)
                      .one()
                      .toInstant());
      Instant expected = local.due(done.startedAt(), zone).at();
      assertThat(due).as("user in %s", zone).isEqualTo(expected);
      assertThat(
              java.time.LocalDateTime.ofInstant(
                      due, TimeZones.recipient(zone).orElse(TimeZones.campaign("Europe/Berlin")))
                  .toLocalTime())
          .isEqualTo(LocalTime.of(8, 0));
    }

    // memory flat: the heap after a full collection at the last pages is what it was at the first
    System.out.println(
        "killed at " + killed.usersWritten() + " users; resumed heap after GC: " + heaps);
    assertThat(heaps).hasSizeGreaterThanOrEqualTo(4);
    long early = heaps.get(0);
    long late = heaps.stream().skip(heaps.size() / 2).mapToLong(Long::longValue).max().orElse(0);
    assertThat(late).isLessThan(early + 16L * 1024 * 1024);
  }

  private static Map<Channel, Map<DeliveryState, Long>> groupBy() {
    Map<Channel, Map<DeliveryState, Long>> m = new EnumMap<>(Channel.class);
    jdbi.useHandle(
        h ->
            h.select("select channel, state, count(*) as n from deliveries group by channel, state")
                .map(
                    (rs, ctx) ->
                        m.computeIfAbsent(
                                Channel.fromWire(rs.getString("channel")),
                                c -> new EnumMap<>(DeliveryState.class))
                            .put(DeliveryState.fromWire(rs.getString("state")), rs.getLong("n")))
                .list());
    return m;
  }

  private static long count(String sql) {
    return jdbi.withHandle(h -> h.select(sql).mapTo(Long.class).one());
  }

  private static Process child(java.util.UUID runId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx64m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            FanOutChild.class.getName(),
            testDb.jdbcUrl(),
            testDb.user(),
            testDb.password(),
            runId.toString(),
            Integer.toString(PAGE))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
