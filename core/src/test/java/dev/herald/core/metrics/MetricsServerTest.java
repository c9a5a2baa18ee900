package dev.herald.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPrometheusTextAndProbesThatFollowTheirChecks() throws Exception {
    AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.of("NATS: gone"));
    try (HeraldRegistry meters = HeraldRegistry.create();
        MetricsServer server =
            MetricsServer.start(
                MetricsSettings.ephemeral(),
                meters::scrape,
                Map.of("/readyz", problem::get, "/healthz", Optional::empty))) {
      meters.registry().counter("herald.test.things").increment(3);
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).contains("herald_test_things_total 3.0");

      HttpResponse<String> notReady = get(server.port(), "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body())
          .isEqualTo("{\"status\":\"unavailable\",\"reason\":\"NATS: gone\"}");
      problem.set(Optional.empty());
      assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/metricsX").statusCode()).isEqualTo(404);
      assertThat(get(server.port(), "/").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void settingsNameTheVariableTheyRefuse() {
    assertThat(MetricsSettings.fromEnv(Map.of()).port()).isEqualTo(9090);
    assertThat(MetricsSettings.fromEnv(Map.of("HERALD_METRICS_PORT", "0")).port()).isZero();
    assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("HERALD_METRICS_PORT", "70000")))
        .hasMessageContaining("HERALD_METRICS_PORT must be from 0 to 65535");
    assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("HERALD_METRICS_PORT", "metrics")))
        .hasMessageContaining("HERALD_METRICS_PORT must be a whole number");
    assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("HERALD_METRICS_SAMPLE_SECONDS", "0")))
        .hasMessageContaining("HERALD_METRICS_SAMPLE_SECONDS");
  }
}
