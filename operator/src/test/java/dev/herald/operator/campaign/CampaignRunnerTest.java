package dev.herald.operator.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignRunPhase;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.Json;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.RecordedEvents;
import dev.herald.operator.Resources;
import dev.herald.operator.notification.ContactDirectory;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.RecipientResolver;
import dev.herald.operator.notification.TemplateCatalog;
import dev.herald.operator.validation.SchemaValidator;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Campaign's schedule run step by step against Postgres with a clock the test moves: runs missed
 * while the operator was down start late within {@code startingDeadlineSeconds} and are skipped,
 * with a reason, beyond it; {@code Forbid} waits for the run under way, {@code Replace} stops it;
 * suspending stops the run and starts none; the status keeps as many ended runs as the limits say.
 */
class CampaignRunnerTest {
  private static TestDatabase testDb;
  private static Database db;
  private static Jdbi jdbi;

  private static final NotificationTemplate TEMPLATE =
      Resources.template(
          """
          apiVersion: herald.dev/v1alpha1
          kind: NotificationTemplate
          metadata: {name: digest, namespace: shop}
          spec:
            email: {subject: "Digest", text: "Hello"}
          """);

  private static final NotificationTemplate NEEDS_NAME =
      Resources.template(
          """
          apiVersion: herald.dev/v1alpha1
          kind: NotificationTemplate
          metadata: {name: needs-name, namespace: shop}
          spec:
            email: {subject: "For {{ name }}", text: "Hello {{ user.firstName }}"}
          """);

  private static final List<DeliveryProvider> PROVIDERS =
      List.of(
          Resources.provider(
              """
              apiVersion: herald.dev/v1alpha1
              kind: DeliveryProvider
              metadata: {name: sendgrid, namespace: shop, generation: 1}
              spec: {type: sendgrid, secretRef: {name: creds}}
              """));

  private final AtomicReference<Instant> now = new AtomicReference<>();
  private final RecordedEvents events = new RecordedEvents();
  private CampaignRunner runner;
  private CampaignFanOut fanOut;
  private final java.util.List<Runnable> held = new java.util.ArrayList<>();
  private boolean holdPages;
  private CampaignRunStore runs;
  private String tenant;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("campaign_runner");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "runner");
    jdbi = db.jdbi();
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  @BeforeEach
  void wire() {
    tenant = "shop-" + System.nanoTime();
    ContactStore contacts = new ContactStore(jdbi);
    for (String user : List.of("ada", "bob", "cy")) {
      contacts.upsertUser(tenant, user, user + "@x.io", null, null, "UTC", null);
    }
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    Instant epoch = Instant.parse("2027-01-04T00:00:00Z");
    CampaignClock campaignClock = new CampaignClock(clock, epoch, epoch, 1);
    NotificationStore notifications = new NotificationStore(jdbi);
    RecipientResolver resolver =
        new RecipientResolver(ContactDirectory.of(contacts), contacts::preferences);
    NotificationAcceptance acceptance =
        new NotificationAcceptance(
            SchemaValidator.forResource(Notification.class),
            new TemplateRenderer(),
            resolver,
            notifications,
            () -> {},
            RetentionSettings.defaults());
    runs = new CampaignRunStore(jdbi);
    fanOut = new CampaignFanOut(runs, notifications, resolver, () -> {}, 1000, null, campaignClock);
    TemplateCatalog catalog =
        new TemplateCatalog() {
          @Override
          public Optional<NotificationTemplate> template(String namespace, String name) {
            return switch (name) {
              case "digest" -> Optional.of(TEMPLATE);
              case "needs-name" -> Optional.of(NEEDS_NAME);
              default -> Optional.empty();
            };
          }

          @Override
          public List<DeliveryProvider> providers(String namespace) {
            return PROVIDERS;
          }

          @Override
          public boolean synced() {
            return true;
          }
        };
    runner =
        new CampaignRunner(
            runs,
            notifications,
            fanOut,
            // pages written before start returns, unless the test holds them back
            new FanOutWorker(
                fanOut, task -> (holdPages ? (Runnable) () -> held.add(task) : task).run()),
            acceptance,
            catalog,
            events.recorder(),
            campaignClock,
            new CampaignRenderCheck(new TemplateRenderer()));
  }

  private Campaign hourly(String extra) {
    return Resources.campaign(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Campaign
        metadata:
          name: hourly
          namespace: %s
          uid: 6f1c-hourly
          creationTimestamp: "2027-01-04T00:30:00Z"
        spec:
          template: digest
          audience: {all: true}
          channels: [email]
          schedule: "0 * * * *"
          timeZone: UTC
          startingDeadlineSeconds: 600
        """
                .formatted(tenant)
            + extra.indent(2));
  }

  private CampaignStatus step(Campaign campaign, String at) {
    now.set(Instant.parse(at));
    CampaignStatus status =
        campaign.getStatus() == null ? new CampaignStatus() : campaign.getStatus();
    runner.reconcile(campaign, status);
    campaign.setStatus(status);
    return status;
  }

  private List<CampaignRunStore.Run> runsNow() {
    return runs.runs(tenant, "6f1c-hourly", 10);
  }

  private void sendEverything() {
    jdbi.useHandle(
        h ->
            h.execute(
                "update deliveries set state = 'sent', sent_at = now() where tenant = ? and state = 'pending'",
                tenant));
  }

  private List<String> shown(String reason) {
    return events.shown().stream().filter(e -> e.contains(" " + reason + ": ")).toList();
  }

  @Test
  void missedRunsStartLateWithinTheDeadlineAndAreSkippedBeyondIt() {
    Campaign c = hourly("");

    CampaignStatus status = step(c, "2027-01-04T00:45:00Z");
    assertThat(runsNow()).isEmpty();
    assertThat(status.getNextScheduleTime()).isEqualTo("2027-01-04T01:00:00Z");

    // down from 00:45 to 03:05: 01:00 and 02:00 are lost, 03:00 is 5 min late, within 10 min
    status = step(c, "2027-01-04T03:05:00Z");
    assertThat(runsNow())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2027-01-04T03:00:00Z"));
              assertThat(r.startedAt()).isEqualTo(Instant.parse("2027-01-04T03:05:00Z"));
              assertThat(r.state()).isEqualTo(CampaignRunStore.State.SENDING); // pages written
              assertThat(r.total()).isEqualTo(3);
            });
    assertThat(status.getLastScheduleTime()).isEqualTo("2027-01-04T03:00:00Z");
    assertThat(status.getNextScheduleTime()).isEqualTo("2027-01-04T04:00:00Z");
    assertThat(status.getProgress()).isEqualTo("0/3");
    assertThat(status.getActive().getPhase()).isEqualTo(CampaignRunPhase.Running);
    assertThat(shown(ConditionReasons.RUN_STARTED))
        .singleElement()
        .asString()
        .contains("5 min late");
    assertThat(shown(ConditionReasons.RUNS_SKIPPED))
        .singleElement()
        .asString()
        .contains("2 earlier");
    sendEverything();

    // down again past 04:00 by more than the deadline: skipped with a reason, no run
    status = step(c, "2027-01-04T04:20:00Z");
    assertThat(runsNow()).hasSize(1);
    assertThat(status.getLastScheduleTime()).isEqualTo("2027-01-04T04:00:00Z");
    assertThat(shown(ConditionReasons.RUNS_SKIPPED))
        .hasSize(2)
        .last()
        .asString()
        .contains("2027-01-04T04:00:00Z")
        .contains("spec.startingDeadlineSeconds (600 s)");
    // the 03:00 run ended when its deliveries did
    assertThat(status.getRecentRuns())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getPhase()).isEqualTo(CampaignRunPhase.Completed);
              assertThat(r.getSent()).isEqualTo(3);
            });
    assertThat(status.getActive()).isNull();
    assertThat(shown(ConditionReasons.RUN_COMPLETED)).singleElement().asString().contains("3 sent");

    // asked again at the same moment: nothing more happens
    step(c, "2027-01-04T04:20:00Z");
    assertThat(runsNow()).hasSize(1);
    assertThat(shown(ConditionReasons.RUNS_SKIPPED)).hasSize(2);
  }

  @Test
  void forbidWaitsForTheRunUnderWayAndStartsTheDueRunOnceItEnds() {
    Campaign c = hourly("concurrencyPolicy: Forbid\n");
    step(c, "2027-01-04T01:00:05Z");
    assertThat(runsNow()).hasSize(1);

    CampaignStatus status = step(c, "2027-01-04T02:01:00Z");
    assertThat(runsNow()).hasSize(1);
    assertThat(HeraldCondition.reason(status, CampaignStatus.SCHEDULED))
        .isEqualTo(ConditionReasons.WAITING_FOR_ACTIVE_RUN);

    sendEverything();
    status = step(c, "2027-01-04T02:03:00Z"); // within the deadline still
    assertThat(runsNow()).hasSize(2);
    assertThat(runsNow().get(0).scheduledFor()).isEqualTo(Instant.parse("2027-01-04T02:00:00Z"));
    assertThat(status.getRecentRuns())
        .singleElement()
        .satisfies(r -> assertThat(r.getPhase()).isEqualTo(CampaignRunPhase.Completed));
  }

  @Test
  void replaceStopsTheRunUnderWayAndSuspendStopsTheNextAndStartsNone() {
    Campaign c = hourly("concurrencyPolicy: Replace\nfailedRunsHistoryLimit: 1\n");
    step(c, "2027-01-04T01:00:05Z");

    CampaignStatus status = step(c, "2027-01-04T02:00:05Z");
    assertThat(runsNow()).hasSize(2);
    CampaignRunStore.Run replaced = runsNow().get(1);
    assertThat(replaced.state()).isEqualTo(CampaignRunStore.State.CANCELLED);
    assertThat(status.getRecentRuns())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getPhase()).isEqualTo(CampaignRunPhase.Cancelled);
              assertThat(r.getCancelled()).isEqualTo(3);
            });
    assertThat(shown(ConditionReasons.RUN_CANCELLED))
        .singleElement()
        .asString()
        .contains("replaced by the run for 2027-01-04T02:00:00Z")
        .contains("3 unsent deliveries cancelled");

    c.getSpec().setSuspend(true);
    status = step(c, "2027-01-04T02:10:00Z");
    assertThat(runsNow()).allSatisfy(r -> assertThat(r.active()).isFalse());
    assertThat(HeraldCondition.reason(status, CampaignStatus.SCHEDULED))
        .isEqualTo(ConditionReasons.SUSPENDED);
    assertThat(status.getNextScheduleTime()).isNull();
    // one failed (cancelled) run is kept: the newest
    assertThat(status.getRecentRuns())
        .singleElement()
        .satisfies(r -> assertThat(r.getScheduledFor()).isEqualTo("2027-01-04T02:00:00Z"));
    long pending =
        jdbi.withHandle(
            h ->
                h.select(
                        "select count(*) from deliveries where tenant = ? and state <> 'cancelled'",
                        tenant)
                    .mapTo(Long.class)
                    .one());
    assertThat(pending).isZero();

    step(c, "2027-01-04T03:00:05Z");
    assertThat(runsNow()).hasSize(2);
  }

  @Test
  void aRunWhoseTemplateIsMissingWaitsAndStartsWhenItCanWithinTheDeadline() {
    Campaign c = hourly("");
    c.getSpec().setTemplate("not-yet");
    CampaignStatus status = step(c, "2027-01-04T01:00:05Z");
    assertThat(runsNow()).isEmpty();
    assertThat(HeraldCondition.reason(status, CampaignStatus.SCHEDULED))
        .isEqualTo(ConditionReasons.TEMPLATE_NOT_FOUND);
    assertThat(status.getLastScheduleTime()).isNull();

    c.getSpec().setTemplate("digest");
    step(c, "2027-01-04T01:02:00Z");
    assertThat(runsNow())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2027-01-04T01:00:00Z"));
              assertThat(
                      Json.read(r.spec(), dev.herald.api.campaign.CampaignSpec.class).getTemplate())
                  .isEqualTo("digest");
            });
  }

  @Test
  void aRunKeepsTheSpecItStartedWithWhenTheCampaignChangesMidWay() {
    holdPages = true;
    Campaign c = hourly("");
    step(c, "2027-01-04T01:00:05Z");
    assertThat(held).hasSize(1); // started, no page written yet

    // edited before its pages are written: the audience narrows, the data changes
    c.getSpec().setAudience(dev.herald.api.campaign.CampaignAudience.users(List.of("ada")));
    c.getSpec().setData(java.util.Map.of("edited", Json.MAPPER.getNodeFactory().booleanNode(true)));
    holdPages = false;
    held.forEach(Runnable::run);

    CampaignRunStore.Run run = runsNow().get(0);
    assertThat(run.total()).isEqualTo(3); // the whole audience it started with
    assertThat(Json.read(run.spec(), dev.herald.api.campaign.CampaignSpec.class).getData())
        .isEmpty();

    // the next run is the edited one
    sendEverything();
    step(c, "2027-01-04T02:00:05Z");
    assertThat(runsNow().get(0).total()).isEqualTo(1);
  }

  @Test
  void aRunWhoseTemplateCannotRenderDoesNotStartAndSaysWhy() {
    Campaign c = hourly("");
    c.getSpec().setTemplate("needs-name");
    CampaignStatus status = step(c, "2027-01-04T01:00:05Z");
    assertThat(runsNow()).isEmpty();
    var scheduled = status.condition(CampaignStatus.SCHEDULED).orElseThrow();
    assertThat(scheduled.getReason()).isEqualTo(ConditionReasons.RENDER_FAILED);
    assertThat(scheduled.getMessage()).contains("spec.data");
  }

  /** The reason of a status's condition. */
  private static final class HeraldCondition {
    static String reason(CampaignStatus status, String type) {
      return status.condition(type).orElseThrow().getReason();
    }
  }
}
