package dev.herald.chart;

import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.dispatcher.DispatcherSettings;
import dev.herald.operator.HeraldOperator;
import dev.herald.operator.LeaderSettings;
import dev.herald.operator.http.ApiSettings;
import dev.herald.testkit.kube.MockKube;
import dev.herald.testkit.nats.TestNats;
import dev.herald.testkit.postgres.TestDatabase;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator (leader election on) and a dispatcher run against fabric8's mock API server, each
 * with a client of its own bearer token, through a life that makes every kind of request they make:
 * providers becoming Ready on a Secret, a template, a Notification sent, finished and deleted after
 * its TTL, a refused Notification and Campaign (Warning Events), API keys, a webhook reading a
 * provider's Secret. Each recorded request becomes an (API group, resource, verb, namespace) for
 * the tests to compare with the RBAC the chart renders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RecordedHerald {
  static final String NS = Chart.NAMESPACE;
  static final String TENANT = "shop";
  static final String ELSEWHERE = "elsewhere";

  /** The namespaces the operator and the dispatcher serve. */
  abstract WatchedNamespaces watched();

  /** The chart, as rendered for this installation. */
  abstract Rendered renderChart();

  private static final String SENDGRID_KEY = "SG.rbac-test.key";

  Rendered chart;
  MockKube kube;
  TestDatabase database;
  TestNats nats;
  SendGridSimulator sendgrid;
  KubernetesClient operatorClient;
  KubernetesClient dispatcherClient;
  HeraldOperator operator;
  Dispatcher dispatcher;
  final List<RecordedRequest> requests = new ArrayList<>();

  @BeforeAll
  void runHerald() throws Exception {
    chart = renderChart();
    kube = MockKube.start();
    // java-operator-sdk asks what it may do with Leases (a SelfSubjectRulesReview, which every
    // authenticated user may create) and refuses to elect without the verbs it checks; the CRUD
    // mock cannot answer from RBAC, so it answers with the chart's own Role: a Role lacking a verb
    // that check wants leaves the operator without a leader and this test failing.
    kube.server()
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewSpec()
                .withNamespace(NS)
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .withResourceRules(
                    leaderRole().getRules().stream()
                        .map(
                            rule ->
                                new ResourceRuleBuilder()
                                    .withApiGroups(rule.getApiGroups())
                                    .withResources(rule.getResources())
                                    .withVerbs(rule.getVerbs())
                                    .build())
                        .toList())
                .endStatus()
                .build())
        .always();
    database = TestDatabase.create("chart-rbac");
    nats = TestNats.create("chart-rbac");
    sendgrid = SendGridSimulator.start(SENDGRID_KEY);
    StoreSettings store =
        new StoreSettings(database.jdbcUrl(), database.user(), database.password(), 4);
    QueueSettings queue = QueueSettings.defaults(nats.url(), nats.names());
    operatorClient = client("operator");
    dispatcherClient = client("dispatcher");
    operator =
        HeraldOperator.start(
            operatorClient,
            store,
            queue,
            ApiSettings.ephemeral(),
            RetentionSettings.defaults(),
            CampaignClock.system(),
            LeaderSettings.fromEnv(Map.of("POD_NAMESPACE", NS, "POD_NAME", "herald-operator-0")),
            watched());
    dispatcher =
        Dispatcher.start(
            dispatcherClient,
            store,
            queue,
            DispatcherSettings.defaults()
                .withSendTimeout(Duration.ofSeconds(2))
                .withWatched(watched()),
            "herald-dispatcher-0");
    await().atMost(Duration.ofSeconds(30)).until(operator::leading);

    KubernetesClient setup = kube.client();
    if (!watched().all()) {
      // a tenant this installation does not serve: nothing of it may be read
      setup
          .resource(
              yaml(
                  ELSEWHERE,
                  "Secret",
                  "sendgrid-credentials",
                  "stringData: {apiKey: " + SENDGRID_KEY + "}"))
          .create();
      setup
          .resource(
              yaml(
                  ELSEWHERE,
                  "DeliveryProvider",
                  "sendgrid",
                  "spec: {type: sendgrid, secretRef: {name: sendgrid-credentials},"
                      + " sendgrid: {from: orders@elsewhere.example}}"))
          .create();
      setup
          .resource(
              yaml(
                  ELSEWHERE,
                  "Notification",
                  "order-1",
                  "spec: {template: order-shipped, channels: [email],"
                      + " recipients: [{email: bob@customers.example}]}"))
          .create();
    }
    setup
        .resource(
            yaml("Secret", "sendgrid-credentials", "stringData: {apiKey: " + SENDGRID_KEY + "}"))
        .create();
    setup
        .resource(
            yaml(
                "Secret",
                "shop-api-key",
                "metadata: {labels: {herald.dev/api-key: \"true\"}}\nstringData: {key: hk_rbac_test_key_0123456789abcdef, scopes: send}"))
        .create();
    setup
        .resource(
            yaml(
                "DeliveryProvider",
                "sendgrid",
                "spec: {type: sendgrid, secretRef: {name: sendgrid-credentials}, endpoint: '"
                    + sendgrid.baseUrl()
                    + "', sendgrid: {from: orders@shop.example}}"))
        .create();
    setup
        .resource(
            yaml(
                "NotificationTemplate",
                "order-shipped",
                "spec: {email: {subject: 'Order {{ orderId }}', text: 'Order {{ orderId }} shipped'}}"))
        .create();
    setup
        .resource(
            yaml(
                "Notification",
                "order-1",
                "spec: {template: order-shipped, channels: [email], ttlSecondsAfterFinished: 1,"
                    + " recipients: [{email: ada@customers.example}], data: {orderId: '1'}}"))
        .create();
    setup
        .resource(
            yaml("Notification", "broken", "spec: {template: missing, channels: [carrier-pigeon]}"))
        .create();
    setup
        .resource(yaml("Campaign", "broken", "spec: {template: missing, schedule: 'not cron'}"))
        .create();

    // the mail was sent (the dispatcher read the provider's Secret), the Notification finished
    // and was deleted after its TTL (the operator's finalizer removed)
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !sendgrid.mailsTo("ada@customers.example").isEmpty());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                setup.resources(Notification.class).inNamespace(TENANT).withName("order-1").get()
                    == null);
    // Warning Events of the refused ones
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                setup.v1().events().inNamespace(TENANT).list().getItems().stream()
                    .map(e -> e.getInvolvedObject().getKind())
                    .collect(Collectors.toSet())
                    .containsAll(Set.of("Notification", "Campaign", "DeliveryProvider")));
    // a provider webhook: the operator reads the provider's Secret to check the signature
    try (HttpClient http = HttpClient.newHttpClient()) {
      http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + operator.apiPort()
                          + "/v1/webhooks/sendgrid/"
                          + TENANT
                          + "/sendgrid"))
              .POST(HttpRequest.BodyPublishers.ofString("[]"))
              .header("Content-Type", "application/json")
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    RecordedRequest r;
    while ((r = kube.server().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(r);
    }
  }

  @AfterAll
  void stop() {
    Stream.<AutoCloseable>of(
            dispatcher, operator, dispatcherClient, operatorClient, sendgrid, nats, database, kube)
        .forEach(
            c -> {
              try {
                if (c != null) {
                  c.close();
                }
              } catch (Exception e) {
                // the next one still closes
              }
            });
  }

  private KubernetesClient client(String token) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(kube.config()).withOauthToken(token).build())
        .withHttpClientFactory(MockKube.httpClientFactory())
        .build();
  }

  io.fabric8.kubernetes.api.model.HasMetadata yaml(String kind, String name, String rest) {
    return yaml(TENANT, kind, name, rest);
  }

  io.fabric8.kubernetes.api.model.HasMetadata yaml(
      String namespace, String kind, String name, String rest) {
    String apiVersion = kind.equals("Secret") ? "v1" : "herald.dev/v1alpha1";
    String doc =
        "apiVersion: "
            + apiVersion
            + "\nkind: "
            + kind
            + "\n"
            + rest.replaceFirst(
                "^metadata: \\{", "metadata: {name: " + name + ", namespace: " + namespace + ", ");
    if (!rest.startsWith("metadata:")) {
      doc =
          "apiVersion: "
              + apiVersion
              + "\nkind: "
              + kind
              + "\nmetadata: {name: "
              + name
              + ", namespace: "
              + namespace
              + "}\n"
              + rest;
    }
    return kube.client().getKubernetesSerialization().unmarshal(doc);
  }

  Role leaderRole() {
    return chart.one(Role.class, Chart.RELEASE + "-operator-leader");
  }

  /** What the process with this bearer token asked for. */
  Set<ApiCall> calls(String token) {
    Set<ApiCall> out = new TreeSet<>();
    for (RecordedRequest r : requests) {
      if (("Bearer " + token).equals(r.getHeader("Authorization"))) {
        ApiCall c = ApiCall.of(r.getMethod(), r.getPath());
        if (c != null && !c.resource().equals("selfsubjectrulesreviews")) {
          out.add(c);
        }
      }
    }
    return out;
  }

  static Set<ApiCall> permissions(Set<ApiCall> calls) {
    return calls.stream().map(ApiCall::permission).collect(Collectors.toCollection(TreeSet::new));
  }
}
