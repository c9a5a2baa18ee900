package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignRun;
import dev.herald.api.campaign.CampaignRunPhase;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.core.Json;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.testkit.sendgrid.ReceivedMail;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Campaigns through the whole system: a Campaign object in the (mock) API server, its audience in
 * Postgres, runs started by the operator, mails counted at the SendGrid simulator. Each test has a
 * namespace of its own.
 */
class CampaignEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-campaign", Duration.ofSeconds(5));
    env.startDispatcher("dispatcher-campaign-1");
    env.startDispatcher("dispatcher-campaign-2");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static void setup(String ns, Integer rateLimit) {
    env.limitedEmailSetup(ns, rateLimit, null);
  }

  private static Campaign campaign(String ns, String name, String spec) {
    Campaign c =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .unmarshal(
                """
            apiVersion: herald.dev/v1alpha1
            kind: Campaign
            metadata: {name: %s, namespace: %s}
            spec:
            """
                        .formatted(name, ns)
                    + spec.indent(2),
                Campaign.class);
    return env.client().resource(c).create();
  }

  private static Campaign get(String ns, String name) {
    return env.client().resources(Campaign.class).inNamespace(ns).withName(name).get();
  }

  private static List<ReceivedMail> mailsIn(String ns) {
    return env.sendgrid.mails().stream()
        .filter(m -> m.toEmails().stream().anyMatch(a -> a.endsWith("@" + ns + ".example")))
        .toList();
  }

  private static List<String> events(String ns, String reason) {
    return env.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static CampaignRun lastRun(String ns, String name) {
    Campaign c = get(ns, name);
    assertThat(c.getStatus()).as("status of %s", name).isNotNull();
    assertThat(c.getStatus().getRecentRuns())
        .as("runs of %s: %s", name, Json.write(c.getStatus()))
        .isNotEmpty();
    return c.getStatus().getRecentRuns().get(0);
  }

  @Test
  void aOneShotCampaignReachesEveryoneItSelectsOnceAndTheRunCompletes() {
    String ns = "camp-once";
    setup(ns, null);
    env.users(
        ns, "u", 300, i -> Map.of("tier", i % 3 == 0 ? "silver" : "gold"), i -> "Europe/Berlin");

    campaign(
        ns,
        "gold-sale",
        """
        template: order-shipped
        audience:
          selector:
            matchExpressions: [{key: tier, operator: In, values: [gold]}]
        channels: [email]
        startAt: "%s"
        data: {orderId: "SALE", note: "gold only"}
        """
            .formatted(Instant.now().minusSeconds(1)));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(lastRun(ns, "gold-sale").getPhase())
                    .isEqualTo(CampaignRunPhase.Completed));
    CampaignRun run = lastRun(ns, "gold-sale");
    assertThat(run.getTotal()).isEqualTo(200);
    assertThat(run.getSent()).isEqualTo(200);
    assertThat(run.getPending()).isZero();
    assertThat(get(ns, "gold-sale").getStatus().isTrue(CampaignStatus.READY)).isTrue();
    List<ReceivedMail> mails = mailsIn(ns);
    Map<String, Long> perAddress =
        mails.stream()
            .flatMap(m -> m.toEmails().stream())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(perAddress).hasSize(200).allSatisfy((a, n) -> assertThat(n).as(a).isEqualTo(1));
    // only gold: every third user is silver
    assertThat(perAddress.keySet())
        .allSatisfy(a -> assertThat(Integer.parseInt(a.substring(1, 5)) % 3).as(a).isNotZero());
    CampaignStatus status = get(ns, "gold-sale").getStatus();
    assertThat(status.getActive()).isNull();
    assertThat(status.getProgress()).isNull();
    assertThat(status.getNextScheduleTime()).isNull();
    assertThat(status.getLastSuccessfulTime()).isNotNull();
    assertThat(
            HeraldEnvironment.condition(get(ns, "gold-sale"), CampaignStatus.SCHEDULED).getReason())
        .isEqualTo(ConditionReasons.NO_MORE_RUNS);
    await()
        .untilAsserted(
            () -> {
              assertThat(events(ns, ConditionReasons.RUN_STARTED)).hasSize(1);
              assertThat(events(ns, ConditionReasons.RUN_COMPLETED))
                  .singleElement()
                  .asString()
                  .contains("200 sent");
            });
    // nothing more arrives: the run is not started twice
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(mailsIn(ns)).hasSize(200));
  }

  /** Suspending stops what was not handed to a provider; the status counts what was cancelled. */
  @Test
  void suspendingMidRunStopsTheRestAndTheRunSaysHowManyWereCancelled() {
    String ns = "camp-suspend";
    setup(ns, 20);
    env.users(ns, "u", 400, i -> Map.of(), i -> "Europe/Berlin");
    campaign(
        ns,
        "slow",
        """
        template: order-shipped
        audience: {all: true}
        channels: [email]
        startAt: "%s"
        data: {orderId: "1", note: "n"}
        """
            .formatted(Instant.now().minusSeconds(1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> mailsIn(ns).size() >= 20);

    Campaign c = get(ns, "slow");
    c.getSpec().setSuspend(true);
    env.client().resource(c).update();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(lastRun(ns, "slow").getPhase()).isEqualTo(CampaignRunPhase.Cancelled));
    // what arrived is what the run counts as sent (a call already under way when the run stopped
    // still counts, once its outcome is in), and nothing follows
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat((long) mailsIn(ns).size())
                    .as(() -> arrivedButNotSent(ns))
                    .isEqualTo(lastRun(ns, "slow").getSent()));
    CampaignRun run = lastRun(ns, "slow");
    assertThat(run.getCancelled()).isPositive();
    assertThat(run.getSent() + run.getCancelled()).isEqualTo(400);
    assertThat(run.getPending()).isZero();
    assertThat(mailsIn(ns).size()).isLessThan(400);
    assertThat(events(ns, ConditionReasons.RUN_CANCELLED))
        .anySatisfy(
            m -> assertThat(m).contains("suspended").contains("unsent deliveries cancelled"));
    assertThat(HeraldEnvironment.condition(get(ns, "slow"), CampaignStatus.SCHEDULED).getReason())
        .isEqualTo(ConditionReasons.SUSPENDED);
  }

  /** What a real API server accepts but cannot work names its field, and nothing is sent. */
  @Test
  void aCampaignThatCannotWorkSaysWhichFieldAndSendsNothing() {
    String ns = "camp-invalid";
    setup(ns, null);
    env.users(ns, "u", 5, i -> Map.of(), i -> "Europe/Berlin");
    campaign(
        ns,
        "mars",
        """
        template: order-shipped
        audience: {all: true}
        channels: [email]
        schedule: "0 0 30 2 *"
        timeZone: Mars/Olympus_Mons
        data: {orderId: "1", note: "n"}
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var valid = HeraldEnvironment.condition(get(ns, "mars"), CampaignStatus.VALID);
              assertThat(valid.getStatus()).isEqualTo("False");
              assertThat(valid.getReason()).isEqualTo(ConditionReasons.INVALID_SCHEDULE);
              assertThat(valid.getMessage()).contains("spec.schedule").contains("spec.timeZone");
              var ready = HeraldEnvironment.condition(get(ns, "mars"), CampaignStatus.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo(ConditionReasons.INVALID_SCHEDULE);
            });
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(mailsIn(ns)).isEmpty();
              assertThat(get(ns, "mars").getStatus().getRecentRuns()).isEmpty();
              assertThat(get(ns, "mars").getStatus().getLastScheduleTime()).isNull();
            });
  }

  @Test
  void aThrottledRunCannotFinishFasterThanItsThrottleAllows() {
    String ns = "camp-throttle";
    setup(ns, null);
    int users = 60;
    int perSecond = 10;
    env.users(ns, "u", users, i -> Map.of(), i -> "Europe/Berlin");
    campaign(
        ns,
        "slow-sale",
        """
        template: order-shipped
        audience: {all: true}
        channels: [email]
        startAt: "%s"
        throttle: %d
        data: {orderId: "SLOW", note: "paced"}
        """
            .formatted(Instant.now().minusSeconds(1), perSecond));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(lastRun(ns, "slow-sale").getPhase())
                    .isEqualTo(CampaignRunPhase.Completed));
    List<Instant> arrivals = mailsIn(ns).stream().map(ReceivedMail::arrivedAt).sorted().toList();
    assertThat(arrivals).hasSize(users);
    // Two dispatchers share one pace: past the first second's burst, the run takes its time.
    assertThat(Duration.between(arrivals.get(0), arrivals.get(users - 1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis((users - 2L * perSecond) * 1000 / perSecond));
    for (int i = 0; i + 3 * perSecond < arrivals.size(); i++) {
      assertThat(Duration.between(arrivals.get(i), arrivals.get(i + 3 * perSecond)))
          .as("mails %d..%d", i, i + 3 * perSecond)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void twoCappedCampaignsAtOnceReachEachUserOnlyAsOftenAsTheCapAllows() {
    String ns = "camp-caps";
    setup(ns, null);
    int users = 40;
    env.users(ns, "u", users, i -> Map.of(), i -> "Europe/Berlin");
    for (String name : List.of("spring-sale", "summer-sale")) {
      campaign(
          ns,
          name,
          """
          template: order-shipped
          audience: {all: true}
          channels: [email]
          category: promotions
          startAt: "%s"
          frequencyCap: {count: 1, window: 24h}
          data: {orderId: "CAP", note: "one a day"}
          """
              .formatted(Instant.now().minusSeconds(1)));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String name : List.of("spring-sale", "summer-sale")) {
                CampaignRun run = lastRun(ns, name);
                assertThat(run.getTotal()).isEqualTo(users);
                assertThat(run.getPending()).isZero();
              }
            });
    Map<String, Long> perAddress =
        mailsIn(ns).stream()
            .flatMap(m -> m.toEmails().stream())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(perAddress).hasSize(users);
    assertThat(perAddress.values()).allMatch(n -> n == 1);
    long sent = lastRun(ns, "spring-sale").getSent() + lastRun(ns, "summer-sale").getSent();
    long suppressed =
        lastRun(ns, "spring-sale").getSuppressed() + lastRun(ns, "summer-sale").getSuppressed();
    assertThat(sent).isEqualTo(users);
    assertThat(suppressed).isEqualTo(users);
  }

  @Test
  void deletingTheCampaignCancelsWhatIsUnsent() {
    String ns = "camp-delete";
    setup(ns, 20);
    env.users(ns, "u", 300, i -> Map.of(), i -> "Europe/Berlin");
    campaign(
        ns,
        "doomed",
        """
        template: order-shipped
        audience: {all: true}
        channels: [email]
        startAt: "%s"
        data: {orderId: "1", note: "n"}
        """
            .formatted(Instant.now().minusSeconds(1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> mailsIn(ns).size() >= 10);

    env.client().resource(get(ns, "doomed")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(ns, "doomed") == null);

    // the count stops growing well short of the audience
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> mailsIn(ns).size(), n -> n == mailsIn(ns).size());
    int arrived = mailsIn(ns).size();
    assertThat(arrived).isLessThan(300);
    assertThat(events(ns, ConditionReasons.RUN_CANCELLED))
        .anySatisfy(m -> assertThat(m).contains("deleted"));
    assertThat(unfinishedDeliveries(ns)).isZero();
  }

  /**
   * A weekly campaign at 09:00 recipient-local, in a campaign clock that starts on a Monday just
   * before the run and goes half an hour per second: Berlin, New York and Tokyo each receive it at
   * 09:00 on their own clock (within the campaign hour or so that the relay's one-second poll
   * allows).
   */
  @Test
  void aWeeklyRunReachesEachZoneAtNineOnItsOwnClock() {
    String ns = "camp-zones";
    setup(ns, null);
    String[] zones = {"Europe/Berlin", "America/New_York", "Asia/Tokyo"};
    env.users(ns, "u", 9, i -> Map.of(), i -> zones[i % 3]);
    // Monday 2027-01-04 05:00 in Berlin, two campaign hours (four real seconds) before the run at
    // 07:00 Berlin: time for the operator to start and the Campaign to be created before it
    CampaignClock clock = CampaignClock.startingAt(Instant.parse("2027-01-04T04:00:00Z"), 1800);
    env.restartOperator(clock);
    try {
      campaign(
          ns,
          "weekly",
          """
          template: order-shipped
          audience: {all: true}
          channels: [email]
          schedule: "0 7 * * MON"
          timeZone: Europe/Berlin
          deliverAt: "09:00"
          startingDeadlineSeconds: 7200
          data: {orderId: "W", note: "weekly"}
          """);
      await().atMost(Duration.ofSeconds(120)).until(() -> mailsIn(ns).size() >= 9);

      Map<String, String> zoneOf = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        zoneOf.put(String.format("u%04d@%s.example", i, ns), zones[i % 3]);
      }
      for (ReceivedMail m : mailsIn(ns)) {
        String to = m.toEmails().get(0);
        ZoneId zone = ZoneId.of(zoneOf.get(to));
        LocalDateTime local = LocalDateTime.ofInstant(clock.fromReal(m.arrivedAt()), zone);
        assertThat(local.getHour()).as("%s in %s at %s", to, zone, local).isBetween(9, 10);
        // Berlin and New York on Monday; Tokyo's Monday 09:00 had passed at 07:00 Berlin, so
        // Tuesday
        assertThat(local.getDayOfWeek().getValue())
            .as("%s in %s at %s", to, zone, local)
            .isEqualTo(zone.getId().equals("Asia/Tokyo") ? 2 : 1);
      }
      assertThat(mailsIn(ns)).hasSize(9);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(lastRun(ns, "weekly").getPhase())
                      .isEqualTo(CampaignRunPhase.Completed));
      CampaignStatus status = get(ns, "weekly").getStatus();
      assertThat(status.getLastScheduleTime()).isEqualTo("2027-01-04T06:00:00Z");
      assertThat(status.getNextScheduleTime()).isEqualTo("2027-01-11T06:00:00Z");
      assertThat(lastRun(ns, "weekly").getScheduledFor()).isEqualTo("2027-01-04T06:00:00Z");
    } finally {
      env.restartOperator(CampaignClock.system());
    }
  }

  /** Addresses that received a mail whose delivery is not recorded as sent, with their state. */
  private static String arrivedButNotSent(String ns) {
    Map<String, Long> arrived =
        mailsIn(ns).stream()
            .flatMap(m -> m.toEmails().stream())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    StringBuilder out = new StringBuilder();
    try (var c = env.database.connect();
        var ps =
            c.prepareStatement(
                "select address, state, attempts, last_error_code from deliveries where tenant = ?")) {
      ps.setString(1, ns);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          Long n = arrived.get(rs.getString(1));
          if (n != null && (n > 1 || !rs.getString(2).equals("sent"))) {
            out.append(rs.getString(1))
                .append(" arrived ")
                .append(n)
                .append("x, state ")
                .append(rs.getString(2))
                .append(" attempts ")
                .append(rs.getInt(3))
                .append(' ')
                .append(rs.getString(4))
                .append("; ");
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static long unfinishedDeliveries(String ns) {
    try (var c = env.database.connect();
        var ps =
            c.prepareStatement(
                "select count(*) from deliveries where tenant = ? and state in ('pending', 'queued', 'sending')")) {
      ps.setString(1, ns);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
