package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.notification.Recipient;
import dev.herald.core.store.PartitionMaintenance;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention against the whole system: a Notification is sent once in its life, whatever retention
 * removed, and nothing retention could not keep is accepted. Time is moved by ageing a
 * notification's rows (its creation time, which is the partition key, set back into an older day's
 * partition, as if written then); the retention job then runs as the operator runs it.
 */
class RetentionEndToEndTest {
  private static final int RETENTION_DAYS = 30;
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-retention", Duration.ofSeconds(3));
    env.startDispatcher("dispatcher-retention");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aCompletedNotificationIsNotSentAgainAfterItsRowsArePruned() {
    String ns = "pruned";
    env.emailSetup(ns);
    env.emailNotification(
        ns,
        "password-reset",
        "order-shipped",
        Map.of("orderId", "1", "note", "reset"),
        "ada@pruned.example",
        "grace@pruned.example");
    Notification done = env.awaitPhase(ns, "password-reset", "Completed");
    assertThat(mailsPerAddress(ns))
        .containsOnly(Map.entry("ada@pruned.example", 1L), Map.entry("grace@pruned.example", 1L));

    age(ns, "password-reset", Duration.ofDays(RETENTION_DAYS + 1));
    retention();
    assertThat(env.deliveriesIn(ns, "sent")).as("sent deliveries pruned").isZero();

    // A spec edit reconciles it: it must not be accepted again.
    long generation = edit(ns, "password-reset", spec -> spec.setPriority(Priority.HIGH));
    Notification edited = awaitObserved(ns, "password-reset", generation);
    assertThat(rowsOf(ns)).as("deliveries written again after the edit").isZero();
    assertPrunedWithStatusKept(edited, done.getStatus());
    assertThat(events(ns, "Pruned")).as("one Pruned event, not one per reconcile").isEqualTo(1);

    // An operator restart with the CR's status lost (a backup restored without it): the record of
    // what retention pruned still stops a second acceptance.
    env.stopOperator();
    Notification lost = env.notification(ns, "password-reset");
    lost.setStatus(new NotificationStatus());
    env.client().resource(lost).updateStatus();
    env.startOperator();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "password-reset");
              assertThat(HeraldEnvironment.condition(n, NotificationStatus.STORED).getReason())
                  .isEqualTo("Pruned");
              assertThat(n.getStatus().getNotificationId())
                  .isEqualTo(done.getStatus().getNotificationId());
            });
    assertThat(rowsOf(ns)).as("deliveries written again after the restart").isZero();

    // A later notification goes out: a second send of the first would have gone by now too.
    env.emailNotification(
        ns, "later", "order-shipped", Map.of("orderId", "2", "note", "n"), "linus@pruned.example");
    env.awaitPhase(ns, "later", "Completed");
    assertThat(mailsPerAddress(ns))
        .as("mails per address")
        .containsOnly(
            Map.entry("ada@pruned.example", 1L),
            Map.entry("grace@pruned.example", 1L),
            Map.entry("linus@pruned.example", 1L));
  }

  @Test
  void aScheduledNotificationOutlivesRetentionUntilSentAndIsThenNotSentAgain() {
    String ns = "scheduled";
    env.emailSetup(ns);
    String sendAt = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.SECONDS).toString();
    create(ns, "order-update", sendAt, null, "ada@scheduled.example");
    Notification scheduled = env.awaitPhase(ns, "order-update", "Scheduled");
    String id = scheduled.getStatus().getNotificationId();

    // Written 40 days ago and not yet due: retention must keep it.
    age(ns, "order-update", Duration.ofDays(40));
    retention();
    assertThat(
            count("select count(*) from deliveries where notification_id = ?", UUID.fromString(id)))
        .as("the scheduled delivery after retention")
        .isEqualTo(1);
    assertThat(count("select count(*) from notifications where id = ?", UUID.fromString(id)))
        .isEqualTo(1);

    Notification done = env.awaitPhase(ns, "order-update", "Completed");
    assertThat(done.getStatus().getNotificationId()).isEqualTo(id);
    assertThat(env.sendgrid.mailsTo("ada@scheduled.example")).hasSize(1);

    // Finished now: the next run prunes it, and it stays sent once.
    retention();
    assertThat(rowsOf(ns)).isZero();
    long generation =
        edit(ns, "order-update", spec -> spec.getData().put("note", TextNode.valueOf("edited")));
    Notification edited = awaitObserved(ns, "order-update", generation);
    assertThat(rowsOf(ns)).as("deliveries written again after the edit").isZero();
    assertPrunedWithStatusKept(edited, done.getStatus());

    env.emailNotification(
        ns,
        "later",
        "order-shipped",
        Map.of("orderId", "3", "note", "n"),
        "linus@scheduled.example");
    env.awaitPhase(ns, "later", "Completed");
    assertThat(mailsPerAddress(ns))
        .containsOnly(
            Map.entry("ada@scheduled.example", 1L), Map.entry("linus@scheduled.example", 1L));
  }

  @Test
  void aSendAtOrExpiryBeyondRetentionIsRefusedByNameOnACrAndOnTheApi() {
    String ns = "far-ahead";
    env.emailSetup(ns);
    create(
        ns,
        "next-year",
        Instant.now().plus(Duration.ofDays(RETENTION_DAYS + 1)).toString(),
        null,
        "ada@far-ahead.example");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "next-year");
              Condition accepted = HeraldEnvironment.condition(n, NotificationStatus.ACCEPTED);
              assertThat(accepted.getStatus()).isEqualTo("False");
              assertThat(accepted.getReason()).isEqualTo("InvalidSpec");
              assertThat(accepted.getMessage())
                  .startsWith("spec.sendAt: ")
                  .contains(RETENTION_DAYS + " days");
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Failed);
            });
    assertThat(events(ns, "InvalidSpec")).isPositive();

    // Within retention it is accepted, and waits.
    create(
        ns,
        "next-month",
        Instant.now().plus(Duration.ofDays(RETENTION_DAYS - 1)).toString(),
        "24h",
        "grace@far-ahead.example");
    env.awaitPhase(ns, "next-month", "Scheduled");
    env.client().resources(Notification.class).inNamespace(ns).withName("next-month").delete();

    ApiClient api = new ApiClient(env.operator.apiPort());
    String key = apiKey(env, api, ns, "sender", "send,read");
    Map<String, Long> before = ApiFixtures.rows(env, ns);
    String body =
        """
        {"template":"order-shipped","recipients":[{"email":"linus@far-ahead.example"}],"channels":["email"],
         "data":{"orderId":"4","note":"n"},"sendAt":"%s"%s}""";
    ApiClient.Answer tooLate =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            body.formatted(Instant.now().plus(Duration.ofDays(40)), ""));
    assertProblem(tooLate, "sendAt");
    ApiClient.Answer expiresTooLate =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            body.formatted(
                Instant.now().plus(Duration.ofDays(RETENTION_DAYS - 1)),
                ",\"expiresAfter\":\"72h\""));
    assertProblem(expiresTooLate, "expiresAfter");
    assertThat(ApiFixtures.rows(env, ns)).as("nothing written").isEqualTo(before);
    assertThat(env.sendgrid.mailsTo("ada@far-ahead.example")).isEmpty();
  }

  private static void assertProblem(ApiClient.Answer answer, String field) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode problem = answer.json();
    assertThat(problem.path("field").asText()).as(answer.toString()).isEqualTo(field);
    assertThat(problem.path("detail").asText()).contains(RETENTION_DAYS + " days");
  }

  /** The status it had before its rows went, and a condition saying they went. */
  private static void assertPrunedWithStatusKept(Notification n, NotificationStatus before) {
    NotificationStatus status = n.getStatus();
    assertThat(status.getPhase()).isEqualTo(before.getPhase());
    assertThat(status.getNotificationId()).isEqualTo(before.getNotificationId());
    assertThat(status.getTotal()).isEqualTo(before.getTotal());
    assertThat(status.getSent()).isEqualTo(before.getSent());
    assertThat(status.getChannels()).isEqualTo(before.getChannels());
    assertThat(status.getCompletionTime()).isEqualTo(before.getCompletionTime());
    Condition stored = HeraldEnvironment.condition(n, NotificationStatus.STORED);
    assertThat(stored.getStatus()).isEqualTo("False");
    assertThat(stored.getReason()).isEqualTo("Pruned");
    assertThat(stored.getMessage()).contains("retention");
  }

  // --- helpers

  private static void create(
      String ns, String name, String sendAt, String expiresAfter, String... addresses) {
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    NotificationSpec spec = new NotificationSpec();
    spec.setTemplate("order-shipped");
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setRecipients(Arrays.stream(addresses).map(Recipient::email).toList());
    Map<String, JsonNode> data = new LinkedHashMap<>();
    data.put("orderId", TextNode.valueOf("1003"));
    data.put("note", TextNode.valueOf("packed"));
    spec.setData(data);
    spec.setSendAt(sendAt);
    spec.setExpiresAfter(expiresAfter);
    n.setSpec(spec);
    env.client().resource(n).create();
  }

  /** Edits a Notification's spec; returns the generation the edit made. */
  private static long edit(String ns, String name, Consumer<NotificationSpec> change) {
    return env.client()
        .resources(Notification.class)
        .inNamespace(ns)
        .withName(name)
        .edit(
            n -> {
              change.accept(n.getSpec());
              return n;
            })
        .getMetadata()
        .getGeneration();
  }

  private static Notification awaitObserved(String ns, String name, long generation) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.notification(ns, name).getStatus().getObservedGeneration())
                    .isGreaterThanOrEqualTo(generation));
    return env.notification(ns, name);
  }

  /**
   * Sets a notification's creation time back by {@code by}: its rows move into that day's
   * partition, created as maintenance would have created it then.
   */
  private static void age(String ns, String name, Duration by) {
    UUID id = UUID.fromString(env.notification(ns, name).getStatus().getNotificationId());
    try (Connection c = env.database.connect()) {
      c.setAutoCommit(false);
      java.time.OffsetDateTime created;
      try (PreparedStatement ps =
          c.prepareStatement("select created_at from notifications where id = ?")) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          created = rs.getObject(1, java.time.OffsetDateTime.class);
        }
      }
      java.time.OffsetDateTime aged = created.minus(by);
      LocalDate day = aged.atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
      String partition = "deliveries_p" + DateTimeFormatter.BASIC_ISO_DATE.format(day);
      try (Statement st = c.createStatement()) {
        st.execute(
            """
            do $$ begin
              if to_regclass('%1$s') is null then
                create table %1$s partition of deliveries for values from ('%2$s') to ('%3$s');
              end if;
            end $$"""
                .formatted(
                    partition,
                    day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
      }
      for (String sql :
          List.of(
              "update deliveries set created_at = ? where notification_id = ? and created_at = ?",
              "update notifications set created_at = ? where id = ? and created_at = ?")) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setObject(1, aged);
          ps.setObject(2, id);
          ps.setObject(3, created);
          ps.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hourly retention job, run now, as the operator runs it. */
  private static void retention() {
    new PartitionMaintenance(
            Jdbi.create(env.database.jdbcUrl(), env.database.user(), env.database.password()),
            7,
            RETENTION_DAYS)
        .run();
  }

  private static long rowsOf(String ns) {
    return count("select count(*) from deliveries where tenant = ?", ns);
  }

  private static long count(String sql, Object... args) {
    return ApiFixtures.count(env, sql, args);
  }

  private static Map<String, Long> mailsPerAddress(String ns) {
    return env.sendgrid.mails().stream()
        .flatMap(m -> m.toEmails().stream())
        .filter(t -> t.endsWith("@" + ns + ".example"))
        .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
  }

  private static long events(String ns, String reason) {
    return env.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }
}
