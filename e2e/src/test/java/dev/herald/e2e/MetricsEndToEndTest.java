package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Priority;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.testkit.sendgrid.ReceivedMail;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both components' {@code /metrics} scraped during a run: the dispatcher's delivery counters say
 * what the SendGrid simulator received, the operator's relay, reconcile, API and queue meters are
 * there, and the dispatcher's {@code /readyz} follows its connections.
 */
class MetricsEndToEndTest {
  private static final String NS = "metrics";
  private static HeraldEnvironment env;
  private static Dispatcher dispatcher;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-metrics", Duration.ofSeconds(3));
    dispatcher = env.startDispatcher("dispatcher-metrics");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void deliveryCountersEqualWhatTheSimulatorReceived() {
    env.emailSetup(NS);
    // The first call fails in a way worth retrying: one retry, one provider error, then sent.
    env.sendgrid.failNext(1, 503);
    env.emailNotification(
        NS,
        "normal-1",
        "order-shipped",
        Map.of("orderId", "1", "note", "n"),
        "ada@metrics.example",
        "grace@metrics.example",
        "linus@metrics.example");
    env.emailNotification(
        NS,
        "urgent-1",
        "order-shipped",
        Map.of("orderId", "2", "note", "n"),
        Priority.HIGH,
        "ken@metrics.example",
        "barbara@metrics.example");
    env.awaitPhase(NS, "normal-1", "Completed");
    env.awaitPhase(NS, "urgent-1", "Completed");

    List<ReceivedMail> received =
        env.sendgrid.mails().stream()
            .filter(m -> m.toEmails().stream().allMatch(t -> t.endsWith("@metrics.example")))
            .toList();
    assertThat(received).hasSize(5);

    Scrape d = dispatcherCounted(NS, "sent", received.size());
    Map<String, String> sent =
        Map.of("namespace", NS, "channel", "email", "provider", "sendgrid", "outcome", "sent");
    assertThat(d.sum("herald_deliveries_total", sent)).isEqualTo(received.size());
    assertThat(d.sum("herald_deliveries_total", Map.of("namespace", NS)))
        .as("nothing but sent in %s", NS)
        .isEqualTo(received.size());
    assertThat(d.sum("herald_delivery_latency_seconds_count", Map.of("priority", "high")))
        .isEqualTo(2);
    assertThat(d.sum("herald_delivery_latency_seconds_count", Map.of("priority", "normal")))
        .isEqualTo(3);
    assertThat(d.sum("herald_delivery_retries_total", Map.of("namespace", NS))).isEqualTo(1);
    assertThat(
            d.sum(
                "herald_provider_errors_total",
                Map.of("namespace", NS, "provider", "sendgrid", "error_class", "retryable")))
        .isEqualTo(1);
    assertThat(d.sum("herald_provider_call_seconds_count", Map.of("provider", "sendgrid")))
        .as("one call per request the simulator answered")
        .isEqualTo(env.sendgrid.requests());
    assertThat(
            d.sum(
                "herald_provider_circuit_state", Map.of("provider", "sendgrid", "state", "closed")))
        .isEqualTo(1);
    assertThat(d.names()).contains("jvm_memory_used_bytes");

    // The operator: published what it accepted, reconciled, and samples its queue gauges.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Scrape o = Scrape.of(env.operator.metricsPort());
              assertThat(o.sum("herald_relay_published_total", Map.of())).isGreaterThanOrEqualTo(6);
              assertThat(
                      o.sum(
                          "herald_reconcile_seconds_count",
                          Map.of("operation", "reconcile", "result", "success")))
                  .isPositive();
              assertThat(o.sum("herald_relay_backlog_deliveries", Map.of())).isZero();
              assertThat(o.named("herald_queue_pending_messages")).hasSize(9);
              assertThat(o.sum("herald_queue_pending_messages", Map.of())).isZero();
              assertThat(o.sum("herald_queue_ack_pending_messages", Map.of())).isZero();
              assertThat(
                      o.sum(
                          "herald_queue_delivered_sequence",
                          Map.of("priority", "high", "channel", "email")))
                  .isGreaterThanOrEqualTo(2);
              assertThat(o.named("herald_dead_letters_messages")).hasSize(3);
            });
  }

  @Test
  void aDeliveryWhoseAttemptsRunOutIsCountedAsADeadLetterOnBothSides() {
    String ns = "metrics-dead";
    env.emailSetup(ns);
    int attempts = env.dispatcherSettings.maxAttempts();
    env.sendgrid.failNext(attempts, 503);
    env.emailNotification(
        ns, "doomed", "order-shipped", Map.of("orderId", "3", "note", "n"), "x@metrics.example");
    env.awaitPhase(ns, "doomed", "Failed");

    Scrape d = dispatcherCounted(ns, "dead_lettered", 1);
    assertThat(d.sum("herald_deliveries_total", Map.of("namespace", ns)))
        .isEqualTo(
            d.sum("herald_deliveries_total", Map.of("namespace", ns, "outcome", "dead_lettered")))
        .isEqualTo(1);
    assertThat(d.sum("herald_delivery_retries_total", Map.of("namespace", ns)))
        .isEqualTo(attempts - 1);
    assertThat(d.sum("herald_provider_errors_total", Map.of("namespace", ns, "code", "http_503")))
        .isEqualTo(attempts);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Scrape o = Scrape.of(env.operator.metricsPort());
              assertThat(o.sum("herald_dead_letter_deliveries", Map.of())).isEqualTo(1);
              assertThat(o.sum("herald_dead_letters_messages", Map.of("channel", "email")))
                  .isEqualTo(1);
            });
  }

  /**
   * The dispatcher's scrape once it has counted {@code n} deliveries of {@code ns} with {@code
   * outcome}: a delivery is counted just after its outcome is stored, which a status may show a
   * moment before.
   */
  private static Scrape dispatcherCounted(String ns, String outcome, double n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Scrape.of(dispatcher.metricsPort())
                        .sum("herald_deliveries_total", Map.of("namespace", ns, "outcome", outcome))
                    >= n);
    return Scrape.of(dispatcher.metricsPort());
  }

  @Test
  void apiRequestsAreCountedByRouteTemplateNotPath() {
    ApiClient api = new ApiClient(env.operator.apiPort());
    assertThat(api.get("/v1/users/someone@private.example", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/no-such-route/4711", null).status()).isEqualTo(404);
    // A path Vert.x cannot normalise is answered, counted, and its connection closed as asked.
    assertThat(rawGetClosing(env.operator.apiPort(), "/v1/users/%zz")).startsWith("HTTP/1.1 400");
    // Counted when the response has ended, which may be just after the client has read it.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Scrape o = Scrape.of(env.operator.metricsPort());
              assertThat(
                      o.sum(
                          "herald_api_requests_seconds_count",
                          Map.of("method", "GET", "route", "/v1/users/:id", "status", "401")))
                  .as("%s", o.named("herald_api_requests_seconds_count"))
                  .isEqualTo(1);
              assertThat(
                      o.sum(
                          "herald_api_requests_seconds_count",
                          Map.of("route", "unmatched", "status", "404")))
                  .isGreaterThanOrEqualTo(1);
              assertThat(
                      o.sum(
                          "herald_api_requests_seconds_count",
                          Map.of("route", "unmatched", "status", "400")))
                  .isGreaterThanOrEqualTo(1);
            });
    assertThat(Scrape.of(env.operator.metricsPort()).samples())
        .allSatisfy(
            s ->
                assertThat(s.labels().values())
                    .noneMatch(v -> v.contains("someone") || v.contains("4711")));
    // /metrics is not on the public API port.
    assertThat(Scrape.get(env.operator.apiPort(), "/metrics").statusCode()).isEqualTo(404);
  }

  /**
   * The answer to a GET of exactly {@code target} with {@code Connection: close}, read to the end
   * of the stream: fails if the server keeps the connection open.
   */
  private static String rawGetClosing(int port, String target) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(3_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new AssertionError("GET " + target + ": the connection was not closed: " + e, e);
    }
  }

  @Test
  void dispatcherIsReadyWhileConnectedAndNotOnceItsNatsConnectionIsGone() {
    Dispatcher second = env.startDispatcher("dispatcher-readiness");
    int port = second.metricsPort();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(Scrape.get(port, "/readyz").statusCode()).isEqualTo(200));
    assertThat(Scrape.get(port, "/healthz").statusCode()).isEqualTo(200);

    second.loseQueueConnection();
    HttpResponse<String> notReady = Scrape.get(port, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("NATS");
    assertThat(Scrape.get(port, "/healthz").statusCode()).isEqualTo(200);
    env.forget(second);
    second.halt();
  }
}
