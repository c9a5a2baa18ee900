package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.QueueNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code helm template} renders, read as Kubernetes objects. */
class ChartRenderTest {
  private static final Rendered DEFAULTS = Chart.renderDefaults();
  private static final Rendered FULL = Chart.renderFull();

  private static List<Deployment> deployments(Rendered r) {
    return List.of(r.operator(), r.dispatcher());
  }

  @Test
  void podsRunRestrictedNonRootReadOnlyWithoutCapabilities() {
    for (Rendered r : List.of(DEFAULTS, FULL)) {
      for (Deployment d : deployments(r)) {
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
            .isEqualTo("RuntimeDefault");
        Container c = Rendered.container(d);
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getPrivileged()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        // the JVM and Vert.x write temporary files: /tmp is an emptyDir
        assertThat(c.getVolumeMounts())
            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        String tmp =
            c.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/tmp"))
                .findFirst()
                .orElseThrow()
                .getName();
        assertThat(pod.getVolumes())
            .anySatisfy(
                v -> {
                  assertThat(v.getName()).isEqualTo(tmp);
                  assertThat(v.getEmptyDir()).isNotNull();
                });
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
      }
    }
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name));
  }

  private static String value(Deployment d, String name) {
    EnvVar e = Rendered.env(d).get(name);
    assertThat(e).as(name).isNotNull();
    return e.getValue();
  }

  @Test
  void probesAskThePathsOnThePortsTheCodeListensOn() {
    for (Rendered r : List.of(DEFAULTS, FULL)) {
      Container operator = Rendered.container(r.operator());
      // the operator's HealthRoutes are on its API port
      assertThat(port(operator, "http"))
          .isEqualTo(Integer.parseInt(value(r.operator(), "HERALD_API_PORT")));
      assertProbes(operator, "http");
      // the dispatcher's are on its metrics port, beside /metrics
      Container dispatcher = Rendered.container(r.dispatcher());
      assertThat(port(dispatcher, "metrics"))
          .isEqualTo(Integer.parseInt(value(r.dispatcher(), "HERALD_METRICS_PORT")));
      assertThat(port(operator, "metrics"))
          .isEqualTo(Integer.parseInt(value(r.operator(), "HERALD_METRICS_PORT")));
      assertProbes(dispatcher, "metrics");
    }
  }

  private static void assertProbes(Container c, String port) {
    for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe())) {
      assertThat(p.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo(port);
    }
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo(port);
  }

  @Test
  void theOperatorRunsReplicasThatElectALeaderAndTheApiIsServedByAll() {
    Deployment operator = DEFAULTS.operator();
    assertThat(operator.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    Map<String, EnvVar> env = Rendered.env(operator);
    assertThat(env.get("HERALD_LEADER_ELECTION").getValue()).isEqualTo("true");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    Service api = DEFAULTS.one(Service.class, Chart.RELEASE + "-operator");
    assertThat(api.getSpec().getSelector())
        .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
    assertThat(api.getSpec().getPorts())
        .extracting(p -> p.getTargetPort().getStrVal())
        .containsExactlyInAnyOrder("http", "metrics");
    PodDisruptionBudget pdb = DEFAULTS.one(PodDisruptionBudget.class, Chart.RELEASE + "-operator");
    assertThat(pdb.getSpec().getSelector()).isEqualTo(operator.getSpec().getSelector());
    assertThat(DEFAULTS.all(PodDisruptionBudget.class)).hasSize(2);
  }

  @Test
  void secretsComeFromSecretsAndOneUnsubscribeKeyServesBoth() {
    for (Deployment d : deployments(FULL)) {
      Map<String, EnvVar> env = Rendered.env(d);
      assertThat(env.get("HERALD_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName())
          .isEqualTo("herald-db");
      assertThat(env.get("HERALD_UNSUBSCRIBE_KEY").getValueFrom().getSecretKeyRef().getName())
          .isEqualTo("herald-unsubscribe");
      assertThat(env.get("HERALD_UNSUBSCRIBE_KEY").getValueFrom().getSecretKeyRef().getKey())
          .isEqualTo("key");
    }
    // every Secret is the user's: the chart makes none of its own
    assertThat(FULL.all(Secret.class)).isEmpty();
    // without existing Secrets, the chart's own holds the password
    Secret own = DEFAULTS.one(Secret.class, Chart.RELEASE);
    assertThat(own.getStringData()).containsKey("database-password");
    assertThat(
            Rendered.env(DEFAULTS.operator())
                .get("HERALD_DB_PASSWORD")
                .getValueFrom()
                .getSecretKeyRef()
                .getName())
        .isEqualTo(Chart.RELEASE);
  }

  @Test
  void natsCredentialsAndTlsFilesAreMountedWhereTheirVariablesPoint() {
    for (Deployment d : deployments(FULL)) {
      Container c = Rendered.container(d);
      List<Volume> volumes = d.getSpec().getTemplate().getSpec().getVolumes();
      Map<String, String> secretOfFile =
          Map.of(
              "HERALD_NATS_CREDS", "herald-nats-creds",
              "HERALD_NATS_TLS_CA", "herald-nats-tls",
              "HERALD_NATS_TLS_CERT", "herald-nats-tls",
              "HERALD_NATS_TLS_KEY", "herald-nats-tls");
      secretOfFile.forEach(
          (variable, secret) -> {
            String file = value(d, variable);
            VolumeMount mount =
                c.getVolumeMounts().stream()
                    .filter(m -> file.startsWith(m.getMountPath() + "/"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(file + " is not mounted"));
            assertThat(mount.getReadOnly()).isTrue();
            Volume v =
                volumes.stream()
                    .filter(x -> x.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(v.getSecret().getSecretName()).isEqualTo(secret);
          });
    }
    assertThat(Rendered.env(DEFAULTS.operator())).doesNotContainKeys("HERALD_NATS_CREDS");
  }

  @Test
  void extraEnvReplacesTheChartsEntryOfTheSameName() {
    assertThat(value(FULL.operator(), "HERALD_DB_POOL")).isEqualTo("24");
    assertThat(value(FULL.dispatcher(), "HERALD_DB_POOL")).isEqualTo("20");
  }

  @Test
  void kedaScalesTheDispatchersOnEveryLaneConsumerOfTheStream() {
    List<GenericKubernetesResource> scaled = FULL.generic("keda.sh/v1alpha1", "ScaledObject");
    assertThat(scaled).hasSize(1);
    Map<String, Object> spec = scaled.get(0).get("spec");
    assertThat(((Map<?, ?>) spec.get("scaleTargetRef")).get("name"))
        .isEqualTo(FULL.dispatcher().getMetadata().getName());
    assertThat(spec).containsEntry("minReplicaCount", 3).containsEntry("maxReplicaCount", 30);
    Set<String> lanes = new HashSet<>();
    for (Priority p : Priority.values()) {
      for (Channel c : Channel.values()) {
        lanes.add(QueueNames.DEFAULT.consumer(p, c));
      }
    }
    List<String> consumers = new ArrayList<>();
    for (Object t : (List<?>) spec.get("triggers")) {
      Map<?, ?> trigger = (Map<?, ?>) t;
      assertThat(trigger.get("type")).isEqualTo("nats-jetstream");
      Map<?, ?> metadata = (Map<?, ?>) trigger.get("metadata");
      assertThat(metadata.get("stream")).isEqualTo(QueueNames.DEFAULT.stream());
      assertThat(metadata.get("natsServerMonitoringEndpoint")).isEqualTo("nats.messaging.svc:8222");
      assertThat(metadata.get("lagThreshold")).isEqualTo("1000");
      assertThat(metadata.get("account")).isEqualTo("HERALD");
      consumers.add((String) metadata.get("consumer"));
    }
    assertThat(consumers).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(lanes);
    // KEDA makes its own HPA; the chart's would fight it
    assertThat(FULL.all(HorizontalPodAutoscaler.class)).isEmpty();
    assertThat(FULL.dispatcher().getSpec().getReplicas()).isNull();
  }

  @Test
  void withoutKedaAnHpaScalesTheDispatchersOnCpu() {
    Rendered r = Chart.render(null, Map.of("dispatcher.autoscaling.enabled", true));
    HorizontalPodAutoscaler hpa =
        r.one(HorizontalPodAutoscaler.class, Chart.RELEASE + "-dispatcher");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(r.dispatcher().getMetadata().getName());
    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
    assertThat(r.generic("keda.sh/v1alpha1", "ScaledObject")).isEmpty();
    assertThat(DEFAULTS.all(HorizontalPodAutoscaler.class)).isEmpty();
  }

  @Test
  void optionalPartsRenderWhenAskedFor() {
    assertThat(FULL.all(Ingress.class))
        .singleElement()
        .satisfies(
            i ->
                assertThat(
                        i.getSpec()
                            .getRules()
                            .get(0)
                            .getHttp()
                            .getPaths()
                            .get(0)
                            .getBackend()
                            .getService()
                            .getName())
                    .isEqualTo(Chart.RELEASE + "-operator"));
    assertThat(FULL.all(NetworkPolicy.class)).hasSize(2);
    assertThat(FULL.generic("monitoring.coreos.com/v1", "ServiceMonitor")).hasSize(1);
    // the rules and the dashboard are files of their own; nothing renders while one is absent
    boolean alerts = Files.exists(Chart.dir().resolve("files/alerts.yaml"));
    assertThat(FULL.generic("monitoring.coreos.com/v1", "PrometheusRule")).hasSize(alerts ? 1 : 0);
    for (Rendered r : List.of(DEFAULTS)) {
      assertThat(r.all(Ingress.class)).isEmpty();
      assertThat(r.all(NetworkPolicy.class)).isEmpty();
      assertThat(r.generic("monitoring.coreos.com/v1", "ServiceMonitor")).isEmpty();
    }
  }

  @Test
  void theSchemaRefusesWhatTheCodeWould() {
    assertThatThrownBy(() -> Chart.render(null, Map.of("database.url", "postgres://db/herald")))
        .hasMessageContaining("/database/url");
    assertThatThrownBy(() -> Chart.render(null, Map.of("nats.streamReplicas", 7)))
        .hasMessageContaining("/nats/streamReplicas");
    assertThatThrownBy(() -> Chart.render(null, Map.of("operator.replica", 3)))
        .hasMessageContaining("replica");
    assertThatThrownBy(() -> Chart.render(null, Map.of("unsubscribe.value", "too-short")))
        .hasMessageContaining("/unsubscribe/value");
  }

  @Test
  void theReadmesValuesRenderAsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String readme = Chart.read(Chart.root().resolve("README.md"));
    int start = readme.indexOf("# my-values.yaml\n");
    assertThat(start).isPositive();
    String values = readme.substring(start, readme.indexOf("```", start));
    Rendered r = Chart.render(Files.writeString(dir.resolve("my-values.yaml"), values), Map.of());
    assertThat(Rendered.container(r.operator()).getImage())
        .isEqualTo("registry.example.com/herald/herald-operator:0.1.0");
    assertThat(value(r.dispatcher(), "HERALD_NATS_TLS_CERT")).endsWith("/tls.crt");
    assertThat(r.all(Secret.class)).isEmpty();
  }

  @Test
  void theRulesAndTheDashboardFilesAreTemplatedInWhenPresent(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path chart = Chart.copyWithValues(Chart.fullValues(), dir.resolve("herald"));
    Files.createDirectories(chart.resolve("files"));
    Files.writeString(
        chart.resolve("files/alerts.yaml"),
        """
        groups:
          - name: herald
            rules:
              - alert: HeraldLaneBacklog
                expr: sum(nats_consumer_num_pending{stream="HERALD"}) > 10000
                for: 10m
                labels: {severity: warning}
        """);
    Files.writeString(chart.resolve("files/dashboard.json"), "{\"title\": \"Herald\"}\n");
    Rendered r = Chart.render(chart, null, Map.of());
    GenericKubernetesResource rule = r.generic("monitoring.coreos.com/v1", "PrometheusRule").get(0);
    List<?> groups = (List<?>) ((Map<?, ?>) rule.get("spec")).get("groups");
    assertThat(groups)
        .singleElement()
        .satisfies(g -> assertThat(((Map<?, ?>) g).get("name")).isEqualTo("herald"));
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
    io.fabric8.kubernetes.api.model.ConfigMap dashboard =
        r.one(io.fabric8.kubernetes.api.model.ConfigMap.class, Chart.RELEASE + "-dashboard");
    assertThat(dashboard.getData().get("herald.json")).contains("\"title\": \"Herald\"");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
  }
}
