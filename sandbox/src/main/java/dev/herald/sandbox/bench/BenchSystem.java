package dev.herald.sandbox.bench;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.provider.ProviderType;
import dev.herald.sandbox.kube.LocalKubernetes;
import dev.herald.sandbox.local.HeraldApi;
import dev.herald.sandbox.local.HeraldProcesses;
import dev.herald.sandbox.nats.PrivateNats;
import dev.herald.sandbox.postgres.PrivatePostgres;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Herald as the bench measures it, on this machine: a private Postgres and nats-server, the mock
 * Kubernetes API, the provider simulators, and the operator and each dispatcher in a JVM of its
 * own, each recording a JFR profile for the whole run. One namespace, {@value #NAMESPACE}, holds a
 * provider per simulator with its limits raised out of the way, the templates, the API keys and the
 * users the push and mixed phases send to.
 */
final class BenchSystem implements AutoCloseable {
  static final String NAMESPACE = "bench";

  /**
   * The JVM options of Herald's processes, as a small production container would set them: the
   * collector a 2-core container gets, and a dispatcher sized to what it holds (deliveries in hand,
   * the content cache, the provider clients' buffers) rather than to the machine.
   */
  static final List<String> OPERATOR_JVM = List.of("-XX:+UseSerialGC", "-Xmx384m");

  static final List<String> DISPATCHER_JVM =
      List.of(
          "-XX:+UseSerialGC",
          "-Xmx192m",
          "-XX:MaxMetaspaceSize=128m",
          "-XX:ReservedCodeCacheSize=64m");

  static List<String> jvmOptions(String process) {
    return process.startsWith("dispatcher") ? DISPATCHER_JVM : OPERATOR_JVM;
  }

  private final Path state;
  private final Path profileDir;
  final PrivatePostgres postgres;
  final PrivateNats nats;
  final BenchSimulators sims;
  private LocalKubernetes kube;
  private HeraldProcesses herald;
  private final int dispatcherCount;

  BenchSystem(Path state, Path profileDir, int dispatcherCount) throws IOException {
    this.state = state;
    this.profileDir = profileDir;
    this.dispatcherCount = dispatcherCount;
    Files.createDirectories(state);
    Files.createDirectories(profileDir);
    Map<String, String> pgSettings = new LinkedHashMap<>(PgStatements.SERVER_SETTINGS);
    pgSettings.put("max_connections", "200");
    postgres = PrivatePostgres.start(state.resolve("postgres"), pgSettings);
    nats = PrivateNats.start(state.resolve("nats"));
    sims = BenchSimulators.start();
  }

  /**
   * Starts the mock Kubernetes API, the operator and the dispatchers; returns when the API is
   * ready.
   */
  void startHerald() throws IOException {
    kube = LocalKubernetes.start(0);
    kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
    Path kubeconfig = kube.front().writeKubeconfig(state.resolve("kubeconfig"));
    herald =
        new HeraldProcesses(
            state,
            new HeraldProcesses.Servers(
                kubeconfig, postgres.jdbcUrl(), postgres.user(), nats.url(), 1),
            // one API key's default of 100 requests a second would measure the limiter, not the API
            // (glibc's malloc keeps an arena per thread by default: resident memory no Java option
            // bounds)
            Map.of("HERALD_API_RATE_LIMIT", "1000000", "MALLOC_ARENA_MAX", "2"),
            name -> {
              List<String> options = new ArrayList<>(jvmOptions(name));
              options.add(
                  "-XX:StartFlightRecording=filename="
                      + profileDir.resolve(name + ".jfr")
                      + ",settings=profile,dumponexit=true");
              return options;
            });
    for (int i = 0; i < dispatcherCount; i++) {
      herald.startDispatcher();
    }
    herald.startOperator();
  }

  HeraldApi api() {
    return herald.api();
  }

  KubernetesClient client() {
    return kube.client();
  }

  /** The process ids of each role, now. */
  Map<String, List<Long>> roles() {
    Map<String, List<Long>> roles = new LinkedHashMap<>();
    roles.put(
        "operator", herald == null ? List.of() : herald.operatorPid().stream().boxed().toList());
    roles.put(
        "dispatchers", herald == null ? List.of() : List.copyOf(herald.dispatcherPids().values()));
    roles.put("postgres", List.of(postgres.pid()));
    roles.put("nats-server", List.of(nats.pid()));
    roles.put("bench", List.of(ProcessHandle.current().pid()));
    return roles;
  }

  // ---- the namespace
  // ------------------------------------------------------------------------------

  /**
   * Providers for every simulator (rate limit and concurrency raised far above what the machine can
   * reach), the templates, {@code users} users (e-mail, phone, one device each: even ones Android,
   * odd ones iOS) and {@code apiKeys} API keys; returns the keys once the API takes them.
   */
  List<String> setUpNamespace(int users, int apiKeys) throws SQLException {
    KubernetesClient c = client();
    Map<ProviderType, String> settings =
        Map.of(
            ProviderType.SENDGRID,
            "  sendgrid: {from: bench@herald.example, fromName: Herald}\n",
            ProviderType.TWILIO,
            "  twilio: {from: \"+14155550100\"}\n",
            ProviderType.APNS,
            "  apns: {teamId: "
                + sims.apns().teamId()
                + ", keyId: "
                + sims.apns().keyId()
                + ", topic: "
                + BenchSimulators.APNS_TOPIC
                + ", environment: sandbox}\n",
            ProviderType.FCM,
            "  fcm: {projectId: " + BenchSimulators.FCM_PROJECT + "}\n");
    for (var provider : settings.entrySet()) {
      createProvider(NAMESPACE, provider.getKey(), provider.getValue());
    }
    c.resource(
            "apiVersion: herald.dev/v1alpha1\nkind: NotificationTemplate\nmetadata: {name: bulk, namespace: "
                + NAMESPACE
                + "}\nspec:\n  email: {subject: \"Run {{ run }}\", html: \"<p>{{ run }} for you</p>\", "
                + "text: \"{{ run }} for you\"}\n  sms: {body: \"Herald bench {{ run }}\"}\n"
                + "  push: {title: \"Bench {{ run }}\", body: \"A push of the bench\"}\n")
        .create();
    c.resource(
            "apiVersion: herald.dev/v1alpha1\nkind: NotificationTemplate\nmetadata: {name: otp, namespace: "
                + NAMESPACE
                + "}\nspec:\n  critical: true\n  email: {subject: \"OTP {{ code }}\", text: \"Your code is {{ code }}\"}\n")
        .create();
    insertUsers(users);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < apiKeys; i++) {
      keys.add(createApiKey(NAMESPACE, "bench-key-" + i, "send,read"));
    }
    awaitProvidersReady(
        NAMESPACE, settings.keySet().stream().map(t -> t.name().toLowerCase()).toList());
    for (String key : keys) {
      awaitKey(key);
    }
    return keys;
  }

  /**
   * A namespace of its own for a campaign, so that its audience is exactly the users imported into
   * it: a SendGrid provider (limits out of the way, as above), a template {@code campaign} and an
   * API key that may import contacts; returns the key once the API takes it.
   */
  String setUpCampaignNamespace(String namespace) {
    createProvider(
        namespace,
        ProviderType.SENDGRID,
        "  sendgrid: {from: bench@herald.example, fromName: Herald}\n");
    client()
        .resource(
            "apiVersion: herald.dev/v1alpha1\nkind: NotificationTemplate\nmetadata: {name: campaign, namespace: "
                + namespace
                + "}\nspec:\n  email: {subject: \"Campaign {{ run }}\", html: \"<p>{{ run }} for you</p>\", "
                + "text: \"{{ run }} for you\"}\n")
        .create();
    String key = createApiKey(namespace, "campaign-key", "contacts,send,read");
    awaitProvidersReady(namespace, List.of(ProviderType.SENDGRID.name().toLowerCase()));
    awaitKey(key);
    return key;
  }

  private void createProvider(String namespace, ProviderType type, String typeSettings) {
    String name = type.name().toLowerCase();
    KubernetesClient c = client();
    c.secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName(name).withNamespace(namespace).build())
                .withStringData(sims.of(type).credentials())
                .build())
        .create();
    c.resource(
            "apiVersion: herald.dev/v1alpha1\nkind: DeliveryProvider\nmetadata: {name: "
                + name
                + ", namespace: "
                + namespace
                + "}\nspec:\n  type: "
                + name
                + "\n  secretRef: {name: "
                + name
                + "}\n  endpoint: "
                + sims.of(type).endpoint()
                + "\n  rateLimit: 1000000\n  maxConcurrency: 1000\n"
                + typeSettings)
        .create();
  }

  private void insertUsers(int users) throws SQLException {
    try (Connection c = postgres.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement user =
              c.prepareStatement(
                  "insert into users (tenant, user_id, email, phone, locale) values (?, ?, ?, ?, 'en-US')");
          PreparedStatement device =
              c.prepareStatement(
                  "insert into devices (tenant, user_id, platform, token) values (?, ?, ?, ?)")) {
        for (int i = 0; i < users; i++) {
          String id = userId(i);
          user.setString(1, NAMESPACE);
          user.setString(2, id);
          user.setString(3, id + "@customers.bench.example");
          user.setString(4, phone(i));
          user.addBatch();
          boolean ios = i % 2 == 1;
          device.setString(1, NAMESPACE);
          device.setString(2, id);
          device.setString(3, ios ? "ios" : "android");
          device.setString(4, ios ? BenchSimulators.iosToken(i) : BenchSimulators.androidToken(i));
          device.addBatch();
          if (ios) {
            sims.apns().registerToken(BenchSimulators.APNS_TOPIC, BenchSimulators.iosToken(i));
          }
          if (i % 1000 == 999) {
            user.executeBatch();
            device.executeBatch();
          }
        }
        user.executeBatch();
        device.executeBatch();
      }
      c.commit();
    }
  }

  static String userId(int i) {
    return "user-" + i;
  }

  /** A valid North American number, distinct for each {@code i} below ten million. */
  static String phone(int i) {
    return "+1415" + String.format("%07d", 2_000_000 + i % 8_000_000);
  }

  private String createApiKey(String namespace, String name, String scopes) {
    String key =
        "hk_"
            + name.replace('-', '_')
            + "_"
            + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    client()
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(namespace)
                        .addToLabels("herald.dev/api-key", "true")
                        .build())
                .withStringData(Map.of("key", key, "scopes", scopes))
                .build())
        .create();
    return key;
  }

  private void awaitKey(String key) {
    await(
        () ->
            api()
                    .status(
                        "GET",
                        "/v1/notifications/00000000-0000-7000-8000-000000000000",
                        key,
                        null,
                        null)
                == 404,
        Duration.ofSeconds(60),
        "the API did not take a bench key");
  }

  private void awaitProvidersReady(String namespace, List<String> names) {
    await(
        () ->
            names.stream()
                .allMatch(
                    n -> {
                      DeliveryProvider p =
                          client()
                              .resources(DeliveryProvider.class)
                              .inNamespace(namespace)
                              .withName(n)
                              .get();
                      return p != null
                          && p.getStatus() != null
                          && p.getStatus()
                              .condition(DeliveryProviderStatus.READY)
                              .map(cond -> "True".equals(cond.getStatus()))
                              .orElse(false);
                    }),
        Duration.ofSeconds(60),
        "the bench's providers did not become Ready");
  }

  static void await(java.util.function.BooleanSupplier condition, Duration atMost, String failure) {
    if (!dev.herald.sandbox.process.Polling.until(condition, atMost, Duration.ofMillis(100))) {
      throw new IllegalStateException(failure);
    }
  }

  static void pause(Duration d) {
    dev.herald.sandbox.process.Polling.pause(d);
  }

  /**
   * Stops the dispatchers and the operator first (their JFR recordings are written as they exit),
   * then the rest.
   */
  void stopHerald() {
    if (herald != null) {
      herald.close();
    }
  }

  @Override
  public void close() {
    stopHerald();
    sims.close();
    if (kube != null) {
      kube.close();
    }
    nats.close();
    postgres.close();
  }
}
