package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.notification.Notification;
import dev.herald.core.config.WatchedNamespaces;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With {@code watchNamespaces: [shop]} Herald serves that namespace alone: every request the
 * operator and the dispatcher make (but the Lease's) names it, nothing of another namespace is
 * read, and the chart renders Roles there, granting exactly those calls, and no ClusterRole.
 */
class NamespacedRbacTest extends RecordedHerald {
  @Override
  WatchedNamespaces watched() {
    return WatchedNamespaces.of(TENANT);
  }

  @Override
  Rendered renderChart() {
    return Chart.render(null, Map.of("watchNamespaces[0]", TENANT));
  }

  private Role role(String component) {
    return chart.all(Role.class).stream()
        .filter(
            r ->
                r.getMetadata().getName().equals(Chart.RELEASE + "-" + component)
                    && r.getMetadata().getNamespace().equals(TENANT))
        .findFirst()
        .orElseThrow();
  }

  private Set<ApiCall> callsBut(String token, String resource) {
    return calls(token).stream()
        .filter(c -> !c.resource().equals(resource))
        .collect(Collectors.toSet());
  }

  @Test
  void everyCallNamesTheWatchedNamespace() {
    assertThat(callsBut("operator", "leases"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.namespace()).as(c.toString()).isEqualTo(TENANT));
    assertThat(calls("dispatcher"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.namespace()).as(c.toString()).isEqualTo(TENANT));
    // the Notification of a namespace it does not serve was never reconciled
    assertThat(
            kube.client()
                .resources(Notification.class)
                .inNamespace(ELSEWHERE)
                .withName("order-1")
                .get()
                .getStatus())
        .isNull();
  }

  @Test
  void rolesInTheWatchedNamespaceGrantExactlyWhatEachComponentCalls() {
    assertThat(ApiCall.granted(role("operator").getRules()))
        .containsExactlyInAnyOrderElementsOf(
            permissions(ApiCall.withImplied(callsBut("operator", "leases"))));
    assertThat(ApiCall.granted(role("dispatcher").getRules()))
        .containsExactlyInAnyOrderElementsOf(permissions(ApiCall.withImplied(calls("dispatcher"))));
    for (String component : new String[] {"operator", "dispatcher"}) {
      RoleBinding binding =
          chart.all(RoleBinding.class).stream()
              .filter(
                  b ->
                      b.getMetadata().getName().equals(Chart.RELEASE + "-" + component)
                          && b.getMetadata().getNamespace().equals(TENANT))
              .findFirst()
              .orElseThrow();
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getName()).isEqualTo(Chart.RELEASE + "-" + component);
                assertThat(s.getNamespace()).isEqualTo(NS);
              });
    }
    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    // both components are told what the Roles allow
    assertThat(Rendered.env(chart.operator()).get(WatchedNamespaces.VARIABLE).getValue())
        .isEqualTo(TENANT);
    assertThat(Rendered.env(chart.dispatcher()).get(WatchedNamespaces.VARIABLE).getValue())
        .isEqualTo(TENANT);
  }
}
