package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.dispatcher.Dispatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts and dashboard name only meters that the operator and the dispatcher export: a
 * run that makes every meter appear (a send, a retry, a wait for a provider), scraped, against each
 * metric named in an alert's or a panel's expression.
 */
class MonitoringAssetsTest {
  private static final Path FILES = Path.of("..", "helm", "herald", "files");

  /** PromQL's words (functions, operators, modifiers) that are not metric names. */
  private static final Set<String> PROMQL =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "count",
          "rate",
          "irate",
          "increase",
          "delta",
          "deriv",
          "histogram_quantile",
          "and",
          "or",
          "unless",
          "bool",
          "abs",
          "absent",
          "clamp_min",
          "max_over_time",
          "min_over_time",
          "avg_over_time",
          "topk",
          "bottomk",
          "offset",
          "humanizeDuration");

  private static HeraldEnvironment env;
  private static Dispatcher dispatcher;
  private static Set<String> exported;

  @BeforeAll
  static void run() {
    env = HeraldEnvironment.start("e2e-monitoring", Duration.ofSeconds(3));
    dispatcher = env.startDispatcher("dispatcher-monitoring");
    env.emailSetup("monitored");
    env.sendgrid.failNext(1, 503);
    env.emailNotification(
        "monitored", "one", "order-shipped", Map.of("orderId", "1", "note", "n"), "a@b.example");
    // A namespace whose only provider never becomes Ready (its Secret is missing): its delivery
    // waits for one.
    env.sendgridProvider("unserved", "sendgrid", "no-such-secret");
    env.template("unserved", "order-shipped", "Order {{ orderId }}", "<p>{{ note }}</p>", null);
    env.emailNotification(
        "unserved", "two", "order-shipped", Map.of("orderId", "2", "note", "n"), "c@d.example");
    env.awaitPhase("monitored", "one", "Completed");
    assertThat(new ApiClient(env.operator.apiPort()).get("/healthz", null).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Scrape d = Scrape.of(dispatcher.metricsPort());
              assertThat(d.sum("herald_delivery_waits_total", Map.of("reason", "no_provider")))
                  .isPositive();
              assertThat(d.sum("herald_delivery_retries_total", Map.of())).isPositive();
              assertThat(
                      Scrape.of(env.operator.metricsPort())
                          .sum("herald_api_requests_seconds_count", Map.of("route", "/healthz")))
                  .isPositive();
            });
    exported = new TreeSet<>(Scrape.of(dispatcher.metricsPort()).names());
    exported.addAll(Scrape.of(env.operator.metricsPort()).names());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void everyAlertNamesExportedMetersOnly() throws Exception {
    JsonNode rules =
        new ObjectMapper(new YAMLFactory()).readTree(FILES.resolve("alerts.yaml").toFile());
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        alerts.add(name);
        assertThat(rule.path("for").asText()).as("%s waits before it fires", name).isNotEmpty();
        assertThat(rule.path("labels").path("severity").asText()).as(name).isNotEmpty();
        assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotEmpty();
        assertThat(metricNames(rule.path("expr").asText()))
            .as("metrics of %s", name)
            .isNotEmpty()
            .isSubsetOf(exported);
      }
    }
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "HeraldLaneLagGrowing",
            "HeraldOldestPendingDeliveryTooOld",
            "HeraldDeadLettersGrowing",
            "HeraldProviderFailing",
            "HeraldNoDispatcherConsuming",
            "HeraldRelayStalled");
  }

  @Test
  void everyDashboardPanelNamesExportedMetersOnly() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(FILES.resolve("dashboard.json").toFile());
    int targets = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        targets++;
        assertThat(metricNames(target.path("expr").asText()))
            .as("metrics of panel %s", panel.path("title").asText())
            .isNotEmpty()
            .isSubsetOf(exported);
      }
    }
    assertThat(targets).isGreaterThanOrEqualTo(15);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      Matcher m =
          Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)")
              .matcher(variable.path("definition").asText());
      while (m.find()) {
        assertThat(exported).contains(m.group(1));
      }
    }
  }

  @Test
  void namesAreReadFromExpressionsOnly() {
    assertThat(
            metricNames(
                "sum by (le, priority) (rate(herald_x_bucket{namespace=~\"$namespace\","
                    + " outcome=\"sent\"}[$__rate_interval])) / on() max(herald_y) > 0.5"))
        .containsExactlyInAnyOrder("herald_x_bucket", "herald_y");
  }

  /** The metric names of a PromQL expression: what is left without labels, ranges and words. */
  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^\\]]*\\]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
    while (m.find()) {
      if (!PROMQL.contains(m.group()) && !isNumber(s, m.start())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** {@code 1e3} or the {@code e} of a number is not a name. */
  private static boolean isNumber(String s, int start) {
    return start > 0 && Character.isDigit(s.charAt(start - 1));
  }
}
