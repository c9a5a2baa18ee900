package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.config.RetentionSettings;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.operator.HeraldOperator;
import dev.herald.operator.LeaderSettings;
import dev.herald.operator.http.ApiSettings;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas against one API server: one holds the Lease and reconciles, both serve the
 * HTTP API, and when the leader stops the other takes over and reconciles what comes next.
 */
class LeaderElectionEndToEndTest {
  private static final String NS = "herald-system";
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-leader", Duration.ofSeconds(5));
    env.stopOperator(); // replaced by the two replicas below
    // java-operator-sdk asks the API server what it may do with Leases before it elects; a real
    // one answers from RBAC (the chart's Role grants these verbs), the CRUD mock cannot
    env.kube
        .server()
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewSpec()
                .withNamespace(NS)
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
    env.startDispatcher("dispatcher-leader-1");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static HeraldOperator replica(String name) {
    LeaderSettings leader =
        LeaderSettings.fromEnv(
            Map.of(
                "POD_NAMESPACE", NS,
                "POD_NAME", name,
                "HERALD_LEADER_LEASE_SECONDS", "5",
                "HERALD_LEADER_RENEW_SECONDS", "3",
                "HERALD_LEADER_RETRY_SECONDS", "1"));
    return HeraldOperator.start(
        env.kube.client(),
        env.store,
        env.queue,
        ApiSettings.ephemeral(),
        RetentionSettings.defaults(),
        CampaignClock.system(),
        leader);
  }

  private static int status(HeraldOperator replica, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.apiPort() + path))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  private static String holder() {
    Lease lease =
        env.client().leases().inNamespace(NS).withName(LeaderSettings.DEFAULT_LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void onlyTheLeaderReconcilesBothServeTheApiAndTheFollowerTakesOver() throws Exception {
    env.emailSetup("shop");
    HeraldOperator a = replica("replica-a");
    await().atMost(Duration.ofSeconds(20)).until(a::leading);
    HeraldOperator b = replica("replica-b");
    try {
      assertThat(holder()).isEqualTo("replica-a");
      // the follower does not take the Lease while the leader renews it
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(() -> !b.leading() && "replica-a".equals(holder()));
      // both serve the API: ready once their caches are synced, leader or not
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(status(a, "/readyz")).isEqualTo(200);
                assertThat(status(b, "/readyz")).isEqualTo(200);
              });

      env.emailNotification(
          "shop", "before", "order-shipped", Map.of("orderId", "1", "note", "a"), "x@shop.example");
      env.awaitPhase("shop", "before", "Completed");

      a.close();
      await().atMost(Duration.ofSeconds(20)).until(b::leading);
      assertThat(holder()).isEqualTo("replica-b");
      env.emailNotification(
          "shop", "after", "order-shipped", Map.of("orderId", "2", "note", "b"), "y@shop.example");
      env.awaitPhase("shop", "after", "Completed");
      assertThat(env.sendgrid.mailsTo("x@shop.example")).hasSize(1);
      assertThat(env.sendgrid.mailsTo("y@shop.example")).hasSize(1);
    } finally {
      env.operator = b; // closed with the environment
    }
  }
}
