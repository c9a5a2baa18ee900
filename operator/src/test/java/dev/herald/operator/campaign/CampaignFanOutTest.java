package dev.herald.operator.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.campaign.CampaignAudience;
import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.campaign.SelectorOperator;
import dev.herald.api.campaign.UserSelector;
import dev.herald.api.campaign.UserSelectorRequirement;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.Json;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.schedule.QuietHours;
import dev.herald.core.schedule.RecipientLocalTime;
import dev.herald.core.schedule.TimeZones;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.Resources;
import dev.herald.operator.notification.ContactDirectory;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.RecipientResolver;
import dev.herald.operator.validation.SchemaValidator;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run from its start through the one acceptance path to its deliveries: the audience's users
 * only, the same rows a Notification would get (addresses per channel, fallback, opt-outs,
 * suppressions), each due at the recipient's local time, written once however often it runs.
 */
class CampaignFanOutTest {
  private static final String TENANT = "shop";
  private static TestDatabase testDb;
  private static Database db;
  private static Jdbi jdbi;

  private static final NotificationTemplate TEMPLATE =
      Resources.template(
          """
      apiVersion: herald.dev/v1alpha1
      kind: NotificationTemplate
      metadata: {name: sale, namespace: shop}
      spec:
        email: {subject: "Sale", text: "Hello"}
        sms: {body: "Sale"}
      """);

  private static final List<DeliveryProvider> PROVIDERS =
      List.of(provider("sendgrid", "sendgrid"), provider("twilio", "twilio"));

  private static DeliveryProvider provider(String name, String type) {
    return Resources.provider(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: %s, namespace: shop, generation: 1}
        spec: {type: %s, secretRef: {name: creds}}
        """
            .formatted(name, type));
  }

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("campaign_fan_out");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "fan-out");
    jdbi = db.jdbi();
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  private static Map<String, Object> row(String user, String channel) {
    return jdbi.withHandle(
        h ->
            h.select(
                    "select state, failure_reason, address, priority::int as priority from deliveries "
                        + "where user_id = ? and channel = ?",
                    user,
                    channel)
                .mapToMap()
                .one());
  }

  private static Instant due(String user, String channel) {
    return jdbi.withHandle(
        h ->
            h.select(
                    "select next_attempt_at from deliveries where user_id = ? and channel = ?",
                    user,
                    channel)
                .mapTo(OffsetDateTime.class)
                .one()
                .toInstant());
  }

  @Test
  void aRunWritesTheAudiencesDeliveriesOnceAtEachRecipientsLocalTime() throws Exception {
    ContactStore contacts = new ContactStore(jdbi);
    var gold = Json.MAPPER.createObjectNode().put("tier", "gold");
    contacts.upsertUser(TENANT, "berlin", "b@x.io", null, "de", "Europe/Berlin", gold);
    contacts.upsertUser(TENANT, "newyork", "n@x.io", null, null, "America/New_York", gold);
    contacts.upsertUser(TENANT, "tokyo", "t@x.io", null, null, "Asia/Tokyo", gold);
    contacts.upsertUser(TENANT, "nozone", "z@x.io", null, null, null, gold);
    contacts.upsertUser(TENANT, "phoneonly", null, "+4915112345678", null, "Europe/Paris", gold);
    contacts.upsertUser(TENANT, "optedout", "o@x.io", null, null, null, gold);
    contacts.upsertUser(TENANT, "bounced", "x@x.io", null, null, null, gold);
    contacts.upsertUser(
        TENANT,
        "silver",
        "s@x.io",
        null,
        null,
        null,
        Json.MAPPER.createObjectNode().put("tier", "silver"));
    contacts.upsertUser("other", "berlin", "b@x.io", null, null, null, gold);
    contacts.suppress(TENANT, Channel.EMAIL, "x@x.io", "hard_bounce");
    contacts.setPreference(
        TENANT, "optedout", new dev.herald.core.store.Preference("email", "marketing", false));

    UserSelector selector = new UserSelector();
    selector.setMatchExpressions(
        List.of(new UserSelectorRequirement("tier", SelectorOperator.In, List.of("gold"))));
    CampaignSpec spec = new CampaignSpec();
    spec.setTemplate("sale");
    spec.setAudience(CampaignAudience.selector(selector));
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setFallback(List.of(Channel.SMS));
    spec.setSchedule("0 7 * * *");
    spec.setTimeZone("Europe/Berlin");
    spec.setDeliverAt("09:00");
    spec.setQuietHours(new dev.herald.api.campaign.QuietHours("22:00", "07:00"));

    AtomicInteger wakeUps = new AtomicInteger();
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
    CampaignRunStore runs = new CampaignRunStore(jdbi);
    CampaignFanOut fanOut =
        new CampaignFanOut(runs, notifications, resolver, wakeUps::incrementAndGet, 2, null);

    assertThatThrownBy(
            () ->
                fanOut.start(
                    acceptance, TENANT, "sale", "uid-sale", Instant.now(), spec, null, PROVIDERS))
        .isInstanceOf(ReconcileProblem.class);

    Instant scheduledFor = Instant.now();
    CampaignRunStore.Run run =
        fanOut.start(
            acceptance, TENANT, "sale", "uid-sale", scheduledFor, spec, TEMPLATE, PROVIDERS);
    assertThat(
            fanOut
                .start(
                    acceptance, TENANT, "sale", "uid-sale", scheduledFor, spec, TEMPLATE, PROVIDERS)
                .id())
        .isEqualTo(run.id());
    assertThat(run.notificationId()).isEqualTo(run.id());

    // another replica paging the run: this one leaves it alone
    try (var h = jdbi.open()) {
      h.begin();
      assertThat(runs.lockForPage(h, run.id())).isPresent();
      assertThat(fanOut.fanOut(run.id())).isEqualTo(CampaignFanOut.Outcome.BUSY);
      h.rollback();
    }

    assertThat(fanOut.fanOut(run.id())).isEqualTo(CampaignFanOut.Outcome.FANNED_OUT);
    assertThat(wakeUps.get()).isEqualTo(4); // 7 users, pages of 2
    assertThat(fanOut.fanOut(run.id())).isEqualTo(CampaignFanOut.Outcome.FANNED_OUT);
    assertThat(fanOut.resumeUnfinished()).isZero();

    long rows =
        jdbi.withHandle(
            h ->
                h.select("select count(*) from deliveries where notification_id = ?", run.id())
                    .mapTo(Long.class)
                    .one());
    assertThat(rows).isEqualTo(8); // 7 users; phoneonly has email (no address) and sms (fallback)
    CampaignRunStore.Run done = runs.find(run.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(CampaignRunStore.State.SENDING);
    assertThat(done.total()).isEqualTo(8L);
    assertThat(done.usersWritten()).isEqualTo(7);
    assertThat(done.checkpoint()).isEqualTo("tokyo");

    assertThat(row("optedout", "email"))
        .containsEntry("state", "suppressed")
        .containsEntry("failure_reason", "opted_out");
    assertThat(row("bounced", "email"))
        .containsEntry("state", "suppressed")
        .containsEntry("failure_reason", "hard_bounce");
    assertThat(row("phoneonly", "email")).containsEntry("failure_reason", "no_address");
    assertThat(row("phoneonly", "sms"))
        .containsEntry("state", "pending")
        .containsEntry("address", "+4915112345678");
    assertThat(row("berlin", "email")).containsEntry("priority", 2);

    RecipientLocalTime local =
        new RecipientLocalTime(
            TimeZones.campaign("Europe/Berlin"),
            LocalTime.of(9, 0),
            new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)));
    Map<String, String> zones =
        Map.of(
            "berlin", "Europe/Berlin",
            "newyork", "America/New_York",
            "tokyo", "Asia/Tokyo",
            "nozone", "Europe/Berlin");
    zones.forEach(
        (user, zone) -> {
          Instant due = due(user, "email");
          assertThat(due)
              .as(user)
              .isEqualTo(local.due(done.scheduledFor(), done.startedAt(), zone).at());
          assertThat(
                  java.time.LocalDateTime.ofInstant(due, java.time.ZoneId.of(zone)).toLocalTime())
              .as(user)
              .isEqualTo(LocalTime.of(9, 0));
        });
    Instant paris = due("phoneonly", "sms");
    assertThat(paris)
        .isEqualTo(local.due(done.scheduledFor(), done.startedAt(), "Europe/Paris").at());

    var counts = fanOut.counts(run.id());
    assertThat(counts.total()).isEqualTo(8);
    assertThat(counts.count(DeliveryState.PENDING)).isEqualTo(5);
    assertThat(counts.count(DeliveryState.SUPPRESSED)).isEqualTo(3);
    assertThat(runs.end(run.id(), CampaignRunStore.State.FINISHED)).isTrue();
    assertThat(runs.end(run.id(), CampaignRunStore.State.CANCELLED)).isFalse();
  }

  @Test
  void aRunWhoseDayHasNoPartitionCreatesIt() {
    ContactStore contacts = new ContactStore(jdbi);
    for (String u : List.of("a", "b", "c")) {
      contacts.upsertUser("late", u, u + "@x.io", null, null, null, null);
    }
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
    CampaignRunStore runs = new CampaignRunStore(jdbi);
    CampaignFanOut fanOut = new CampaignFanOut(runs, notifications, resolver, () -> {}, 2, null);
    CampaignSpec spec = new CampaignSpec();
    spec.setTemplate("sale");
    spec.setAudience(CampaignAudience.everyone());
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setStartAt("2026-12-01T06:00:00Z");
    NotificationTemplate template =
        Resources.template(
            """
        apiVersion: herald.dev/v1alpha1
        kind: NotificationTemplate
        metadata: {name: sale, namespace: late}
        spec:
          email: {subject: "Sale", text: "Hello"}
        """);
    DeliveryProvider sendgrid =
        Resources.provider(
            """
            apiVersion: herald.dev/v1alpha1
            kind: DeliveryProvider
            metadata: {name: sendgrid, namespace: late, generation: 1}
            spec: {type: sendgrid, secretRef: {name: creds}}
            """);
    CampaignRunStore.Run run;
    try {
      run =
          fanOut.start(
              acceptance,
              "late",
              "sale",
              "uid-sale",
              Instant.parse("2026-12-01T06:00:00Z"),
              spec,
              template,
              List.of(sendgrid));
    } catch (ReconcileProblem e) {
      throw new AssertionError(e);
    }
    // as if its notification had been written on a day maintenance has not reached
    jdbi.useHandle(
        h ->
            h.execute(
                "update notifications set created_at = created_at + interval '40 days' where id = ?",
                run.id()));
    assertThat(fanOut.fanOut(run.id())).isEqualTo(CampaignFanOut.Outcome.FANNED_OUT);
    assertThat(fanOut.counts(run.id()).total()).isEqualTo(3);
    assertThat(runs.find(run.id()).orElseThrow().written()).isEqualTo(3);
  }
}
