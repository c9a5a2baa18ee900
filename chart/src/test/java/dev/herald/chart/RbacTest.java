package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.config.WatchedNamespaces;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC, serving every namespace, is what the code asks for, no more, no less: the rules
 * the chart renders must grant exactly the calls {@link RecordedHerald} recorded (with the watch
 * each informer's list implies) and hold no wildcard.
 */
class RbacTest extends RecordedHerald {
  @Override
  WatchedNamespaces watched() {
    return WatchedNamespaces.ALL;
  }

  @Override
  Rendered renderChart() {
    return Chart.renderDefaults();
  }

  private ClusterRole clusterRole(String component) {
    return chart.one(ClusterRole.class, Chart.RELEASE + "-" + component);
  }

  /** The verbs java-operator-sdk 5's LeaderElectionManager checks on Leases before it elects. */
  private static final Set<String> LEASE_CHECK = Set.of("get", "create", "update");

  @Test
  void operatorClusterRoleGrantsExactlyWhatTheOperatorCalls() {
    Set<ApiCall> calls = calls("operator");
    Set<ApiCall> required =
        permissions(
            ApiCall.withImplied(
                calls.stream().filter(c -> !c.resource().equals("leases")).toList()));
    assertThat(required)
        .as("a real run of the operator reads and writes Herald's kinds, Secrets and Events")
        .extracting(ApiCall::resource)
        .contains("notifications/status", "secrets", "events");
    assertThat(ApiCall.granted(clusterRole("operator").getRules()))
        .containsExactlyInAnyOrderElementsOf(required);
  }

  @Test
  void operatorLeaseRoleGrantsWhatElectionCallsInTheReleaseNamespaceOnly() {
    Set<ApiCall> leaseCalls =
        calls("operator").stream()
            .filter(c -> c.resource().equals("leases"))
            .collect(Collectors.toSet());
    assertThat(leaseCalls).isNotEmpty().allMatch(c -> NS.equals(c.namespace()));
    Set<ApiCall> required = new TreeSet<>(permissions(leaseCalls));
    LEASE_CHECK.forEach(v -> required.add(new ApiCall("coordination.k8s.io", "leases", v, null)));
    assertThat(leaderRole().getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(ApiCall.granted(leaderRole().getRules()))
        .containsExactlyInAnyOrderElementsOf(required);
    assertThat(ApiCall.granted(clusterRole("operator").getRules()))
        .noneMatch(c -> c.resource().equals("leases"));
  }

  @Test
  void dispatcherClusterRoleGrantsOnlyWhatTheDispatcherReads() {
    Set<ApiCall> required = permissions(ApiCall.withImplied(calls("dispatcher")));
    assertThat(required).extracting(ApiCall::verb).containsOnly("get", "list", "watch");
    assertThat(ApiCall.granted(clusterRole("dispatcher").getRules()))
        .containsExactlyInAnyOrderElementsOf(required);
  }

  @Test
  void noRuleHoldsAWildcardAndEachRoleIsBoundToItsComponentsServiceAccount() {
    for (Rendered r : List.of(chart, Chart.renderFull())) {
      Stream.concat(
              r.all(ClusterRole.class).stream().flatMap(c -> c.getRules().stream()),
              r.all(Role.class).stream().flatMap(c -> c.getRules().stream()))
          .forEach(rule -> assertThat(ApiCall.hasWildcard(rule)).as(rule.toString()).isFalse());
    }
    for (String component : List.of("operator", "dispatcher")) {
      String account =
          chart
              .one(Deployment.class, Chart.RELEASE + "-" + component)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getServiceAccountName();
      ClusterRoleBinding binding =
          chart.one(ClusterRoleBinding.class, Chart.RELEASE + "-" + component);
      assertThat(binding.getRoleRef().getName()).isEqualTo(Chart.RELEASE + "-" + component);
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo(account);
                assertThat(s.getNamespace()).isEqualTo(NS);
              });
    }
    RoleBinding leader = chart.one(RoleBinding.class, Chart.RELEASE + "-operator-leader");
    assertThat(leader.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(Chart.RELEASE + "-operator"));
  }

  @Test
  void theOperatorAnswersTheChartsProbes() throws Exception {
    var container = Rendered.container(chart.operator());
    List<HTTPGetAction> probes =
        List.of(
            container.getStartupProbe().getHttpGet(),
            container.getLivenessProbe().getHttpGet(),
            container.getReadinessProbe().getHttpGet());
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (HTTPGetAction probe : probes) {
        // the probe's port is the container port named "http", which HERALD_API_PORT sets
        assertThat(probe.getPort()).isEqualTo(new IntOrString("http"));
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    http.send(
                                HttpRequest.newBuilder(
                                        URI.create(
                                            "http://127.0.0.1:"
                                                + operator.apiPort()
                                                + probe.getPath()))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                        == 200);
      }
    }
  }
}
