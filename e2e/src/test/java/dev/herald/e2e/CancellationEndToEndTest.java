package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testkit.sendgrid.ReceivedMail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel or an erasure is obeyed at once, even for deliveries that a dispatcher already holds and
 * that wait for a provider's rate limit: after it is acknowledged, no provider call starts for
 * them. A provider at {@code rateLimit: 2} keeps a backlog of claimed and waiting deliveries.
 */
class CancellationEndToEndTest {
  /**
   * A provider call starts within this of the check that allowed it; later arrivals broke the
   * promise.
   */
  private static final Duration CALL_START = Duration.ofMillis(200);

  private static final Duration OBSERVE = Duration.ofSeconds(4);
  private static HeraldEnvironment env;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-cancel", Duration.ofSeconds(5));
    env.startDispatcher("dispatcher-cancel-1");
    env.startDispatcher("dispatcher-cancel-2");
    api = new ApiClient(env.operator.apiPort());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @BeforeEach
  void quiet() {
    env.sendgrid.reset();
  }

  /**
   * A SendGrid provider allowed two sends a second, and a template, in a namespace of their own.
   */
  private static void slowProvider(String ns) {
    env.limitedEmailSetup(ns, 2, null);
  }

  private static String[] addresses(String ns, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> "reader" + i + "@" + ns + ".example")
        .toArray(String[]::new);
  }

  private static List<ReceivedMail> mailsTo(Set<String> addresses) {
    return env.sendgrid.mails().stream()
        .filter(m -> m.toEmails().stream().anyMatch(addresses::contains))
        .toList();
  }

  /**
   * Mails to these addresses whose provider call started after {@code ackedAt} plus the time a call
   * takes to start.
   */
  private static long callsStartedAfter(Set<String> addresses, Instant ackedAt) {
    Instant limit = ackedAt.plus(CALL_START);
    return mailsTo(addresses).stream().filter(m -> m.arrivedAt().isAfter(limit)).count();
  }

  @Test
  void deletingANotificationStopsEverySendNotYetUnderWay() {
    String ns = "cancel-cr";
    slowProvider(ns);
    Set<String> to = Set.of(addresses(ns, 60));
    env.emailNotification(
        ns,
        "newsletter",
        "order-shipped",
        Map.of("orderId", "1", "note", "n"),
        to.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to).size() >= 4);

    env.client().resource(env.notification(ns, "newsletter")).delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> env.notification(ns, "newsletter") == null);
    Instant acknowledged = Instant.now();
    int sentBefore = mailsTo(to).size();

    await()
        .during(OBSERVE)
        .atMost(OBSERVE.plusSeconds(2))
        .until(() -> callsStartedAfter(to, acknowledged) == 0);
    long sent = env.deliveriesIn(ns, "sent");
    System.out.printf(
        "deleted after %d of 60 mails: %d more arrived, %d deliveries cancelled%n",
        sentBefore, mailsTo(to).size() - sentBefore, env.deliveriesIn(ns, "cancelled"));
    assertThat(sent + env.deliveriesIn(ns, "cancelled"))
        .as("every delivery sent or cancelled")
        .isEqualTo(60);
    assertThat(sent)
        .as("what the store counts as sent is what arrived")
        .isEqualTo(mailsTo(to).size());
  }

  @Test
  void cancellingThroughTheApiStopsEverySendNotYetUnderWayAndSaysHowManyWereHeld() {
    String ns = "cancel-api";
    slowProvider(ns);
    String key = apiKey(env, api, ns, "sender", "send,contacts,read");
    Set<String> to = Set.of(addresses(ns, 60));
    String recipients =
        to.stream().map(a -> "{\"email\":\"" + a + "\"}").collect(Collectors.joining(","));
    var sent =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            """
        {"template":"order-shipped","recipients":[%s],"channels":["email"],"data":{"orderId":"2","note":"n"}}"""
                .formatted(recipients));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    String id = sent.json().path("id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to).size() >= 4);

    var cancelled = api.send("DELETE", "/v1/notifications/" + id, key, null);
    Instant acknowledged = Instant.now();
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    int sentBefore = mailsTo(to).size();
    long held = cancelled.json().path("inFlight").asLong();

    await()
        .during(OBSERVE)
        .atMost(OBSERVE.plusSeconds(2))
        .until(() -> callsStartedAfter(to, acknowledged) == 0);
    assertThat(mailsTo(to).size() - sentBefore)
        .as("mails after the cancel, at most those held (%d)", held)
        .isLessThanOrEqualTo((int) held);
    var status = api.get("/v1/notifications/" + id, key).json();
    assertThat(status.path("counts").toString()).as(status.toString()).contains("cancelled");
    assertThat(env.deliveriesIn(ns, "sent")).isEqualTo(mailsTo(to).size());
  }

  @Test
  void anErasedUserIsNotContactedAgainFromWorkAlreadyQueued() {
    String ns = "erase";
    slowProvider(ns);
    String key = apiKey(env, api, ns, "sender", "send,contacts,read");
    List<String> users = IntStream.range(0, 30).mapToObj(i -> "user" + i).toList();
    for (String u : users) {
      assertThat(
              api.send("PUT", "/v1/users/" + u, key, "{\"email\":\"" + u + "@" + ns + ".example\"}")
                  .status())
          .isEqualTo(201);
    }
    String recipients =
        users.stream().map(u -> "{\"user\":\"" + u + "\"}").collect(Collectors.joining(","));
    var sent =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            """
        {"template":"order-shipped","recipients":[%s],"channels":["email"],"data":{"orderId":"3","note":"n"}}"""
                .formatted(recipients));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> env.sendgrid.mails().size() >= 4);

    // Erase every user not reached yet, one after the other, noting when each erasure was
    // acknowledged.
    Set<String> reached =
        env.sendgrid.mails().stream()
            .flatMap(m -> m.toEmails().stream())
            .collect(Collectors.toSet());
    List<String> erased =
        users.stream().filter(u -> !reached.contains(u + "@" + ns + ".example")).limit(15).toList();
    Map<String, Instant> erasedAt = new java.util.HashMap<>();
    for (String u : erased) {
      assertThat(api.send("DELETE", "/v1/users/" + u, key, null).status()).isEqualTo(204);
      erasedAt.put(u + "@" + ns + ".example", Instant.now());
    }

    // The others are all sent (the erased users' deliveries were mixed among theirs in the
    // backlog).
    int others = users.size() - erased.size();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> env.sendgrid.mails().size() - mailsTo(erasedAt.keySet()).size() >= others);
    List<ReceivedMail> afterErasure =
        mailsTo(erasedAt.keySet()).stream()
            .filter(m -> m.arrivedAt().isAfter(erasedAt.get(m.toEmails().get(0)).plus(CALL_START)))
            .toList();
    System.out.printf(
        "%d users erased while queued: %d of their mails arrived, none started after the erasure: %s%n",
        erased.size(), mailsTo(erasedAt.keySet()).size(), afterErasure.isEmpty());
    assertThat(afterErasure).as("mails to erased users that started after their erasure").isEmpty();
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from deliveries where tenant = ? and state = 'cancelled'",
                ns))
        .as("their unsent deliveries cancelled")
        .isGreaterThanOrEqualTo(erased.size() - mailsTo(erasedAt.keySet()).size());
    assertThat(
            ApiFixtures.count(
                env,
                "select count(*) from deliveries where tenant = ? and address like '%@erase.example'"
                    + " and user_id = any(?)",
                ns,
                erased.toArray(String[]::new)))
        .as("addresses kept of erased users")
        .isZero();
  }
}
