package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.notification.Notification;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.operator.admin.DeadLetterCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters can be acted on: deliveries that failed after every attempt are listed per tenant
 * (API) and across tenants ({@code herald dlq}), and a selection is requeued — by several callers
 * at once — without a delivery being sent twice; a cancelled notification's dead letters stay where
 * they are, and a finished Notification's status follows its requeued deliveries.
 */
class DeadLetterEndToEndTest {
  private static final int MAX_ATTEMPTS = 2;
  private static HeraldEnvironment env;
  private static ApiClient api;
  private static Dispatcher dispatcher;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-dead-letters", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
    dispatcher =
        env.startDispatcher(
            "dispatcher-dlq",
            env.dispatcherSettings.withProviderLimits(MAX_ATTEMPTS, Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void exhaustedDeliveriesAreListedAndARequeueFromSeveralCallersSendsEachOnce() throws Exception {
    String ns = "dlq-shop";
    env.emailSetup(ns);
    String key = ApiFixtures.apiKey(env, api, ns, "ops", "send,read");
    String rivalKey = ApiFixtures.apiKey(env, api, "dlq-rival", "ops", "send,read");
    List<String> readers =
        IntStream.range(0, 6).mapToObj(i -> "reader" + i + "@dlq.example").toList();
    env.sendgrid.failFor(Duration.ofMinutes(10), 503);

    env.emailNotification(
        ns,
        "weekly",
        "order-shipped",
        Map.of("orderId", "1", "note", "n"),
        readers.toArray(String[]::new));
    String cancelledId =
        api.send(
                "POST",
                "/v1/notifications",
                key,
                """
        {"template":"order-shipped","recipients":[{"email":"gone@dlq.example"}],"channels":["email"],
         "data":{"orderId":"2","note":"n"}}""")
            .json()
            .path("id")
            .asText();
    Notification failed = env.awaitPhase(ns, "weekly", "Failed");
    assertThat(failed.getStatus().getFailed()).isEqualTo(readers.size());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ApiFixtures.count(
                        env,
                        "select count(*) from deliveries where tenant = ? and failure_reason = 'exhausted'",
                        ns)
                    == readers.size() + 1);
    assertThat(api.send("DELETE", "/v1/notifications/" + cancelledId, key, null).status())
        .isEqualTo(200);

    JsonNode listed = api.get("/v1/dead-letters?limit=1000", key).json().path("deadLetters");
    assertThat(listed)
        .hasSize(readers.size() + 1)
        .allSatisfy(
            d -> {
              assertThat(d.path("reason").asText()).isEqualTo("exhausted");
              assertThat(d.path("attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
              assertThat(d.path("address").asText())
                  .as("masked")
                  .doesNotContain("reader")
                  .doesNotContain("gone");
            });
    assertThat(listed)
        .filteredOn(d -> d.path("notification").asText().equals(cancelledId))
        .singleElement()
        .satisfies(d -> assertThat(d.path("requeueable").asBoolean()).isFalse());
    assertThat(api.get("/v1/dead-letters", rivalKey).json().path("deadLetters"))
        .as("another tenant's")
        .isEmpty();
    assertThat(
            api.send("POST", "/v1/dead-letters/requeue", rivalKey, "{\"all\":true}")
                .json()
                .path("requeued")
                .asInt())
        .as("another tenant requeues nothing of this one")
        .isZero();
    String listedByCli = cli("list", "--namespace", ns);
    assertThat(listedByCli).contains("weekly").doesNotContain("reader0").doesNotContain("gone@");
    assertThat(listedByCli.lines().filter(l -> l.contains("exhausted")).count())
        .isEqualTo(readers.size() + 1);

    // The provider recovers; two API callers and the command requeue the same dead letters at once.
    env.sendgrid.reset();
    String notificationId = failed.getStatus().getNotificationId();
    List<CompletableFuture<Integer>> requeues = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      requeues.add(
          CompletableFuture.supplyAsync(
              () ->
                  api.send(
                          "POST",
                          "/v1/dead-letters/requeue",
                          key,
                          "{\"notification\":\"" + notificationId + "\"}")
                      .json()
                      .path("requeued")
                      .asInt()));
    }
    requeues.add(
        CompletableFuture.supplyAsync(
            () -> requeuedByCli("requeue", "--namespace", ns, "--reason", "exhausted")));
    int requeued = requeues.stream().mapToInt(CompletableFuture::join).sum();
    assertThat(requeued)
        .as("each dead letter requeued once, the cancelled one not at all")
        .isEqualTo(readers.size());

    Notification completed = env.awaitPhase(ns, "weekly", "Completed");
    assertThat(completed.getStatus().getSent()).isEqualTo(readers.size());
    assertThat(completed.getStatus().getFailed()).isZero();
    for (String reader : readers) {
      assertThat(env.sendgrid.mailsTo(reader)).as(reader).hasSize(1);
    }
    assertThat(env.sendgrid.mailsTo("gone@dlq.example")).as("cancelled: not requeued").isEmpty();
    assertThat(
            api.send("POST", "/v1/dead-letters/requeue", key, "{\"all\":true}")
                .json()
                .path("requeued")
                .asInt())
        .as("nothing left to requeue but the cancelled one")
        .isZero();
    assertThat(api.get("/v1/dead-letters", key).json().path("deadLetters")).hasSize(1);
  }

  @Test
  void aRequeueNamesWhatItSelectsAndBadSelectionsNameTheirField() {
    String ns = "dlq-input";
    String key = ApiFixtures.apiKey(env, api, ns, "ops", "send,read");
    String readOnly = ApiFixtures.apiKey(env, api, ns, "reader", "read");
    assertThat(problemField(api.send("POST", "/v1/dead-letters/requeue", key, "{}")))
        .isEqualTo("all");
    assertThat(
            problemField(
                api.send("POST", "/v1/dead-letters/requeue", key, "{\"deliveries\":[\"nope\"]}")))
        .isEqualTo("deliveries[0]");
    assertThat(
            problemField(
                api.send("POST", "/v1/dead-letters/requeue", key, "{\"reason\":\"permanent\"}")))
        .isEqualTo("reason");
    assertThat(
            problemField(
                api.send("POST", "/v1/dead-letters/requeue", key, "{\"everything\":true}")))
        .isEqualTo("everything");
    assertThat(problemField(api.get("/v1/dead-letters?after=x", key))).isEqualTo("after");
    assertThat(problemField(api.get("/v1/dead-letters?notification=1", key)))
        .isEqualTo("notification");
    assertThat(api.send("POST", "/v1/dead-letters/requeue", readOnly, "{\"all\":true}").status())
        .isEqualTo(403);
    assertThat(api.get("/v1/dead-letters", readOnly).status()).isEqualTo(200);

    StringWriter err = new StringWriter();
    int exit =
        DeadLetterCommand.commandLine(new DeadLetterCommand(dbEnv()))
            .setErr(new PrintWriter(err))
            .execute("requeue");
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("--all");
  }

  private static String problemField(ApiClient.Answer answer) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    return answer.json().path("errors").path(0).path("field").asText();
  }

  private static int requeuedByCli(String... args) {
    String out = cli(args);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("requeued (\\d+) deliveries").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        DeadLetterCommand.commandLine(new DeadLetterCommand(dbEnv()))
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    assertThat(exit).as(err.toString()).isZero();
    return out.toString();
  }

  private static Map<String, String> dbEnv() {
    return Map.of(
        "HERALD_DB_URL",
        env.database.jdbcUrl(),
        "HERALD_DB_USER",
        env.database.user(),
        "HERALD_DB_PASSWORD",
        env.database.password() == null ? "" : env.database.password());
  }
}
