package dev.herald.sandbox;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.queue.QueueNames;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.operator.HeraldOperator;
import dev.herald.operator.http.ApiSettings;
import dev.herald.sandbox.kube.LocalKubernetes;
import dev.herald.sandbox.nats.PrivateNats;
import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.postgres.PrivatePostgres;
import dev.herald.sandbox.process.ProcessHygiene;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs all of Herald on this machine — private Postgres and nats-server, the mock Kubernetes API
 * behind a front kubectl understands, the provider simulators, the operator, and each dispatcher in
 * a process of its own — then applies {@code examples/} and shows how each Notification is doing.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description =
        "Runs Herald on this machine with no cluster and no Docker, applies examples/ and shows their progress.")
public final class SandboxCommand implements Callable<Integer> {
  static final String EXPECT_PHASE = "sandbox.herald.dev/expect-phase";
  static final String EXPECT_REASON = "sandbox.herald.dev/expect-reason";

  @Option(
      names = "--once",
      description =
          "Exit when every example reached its expected phase (0), or at the timeout (1).")
  boolean once;

  @Option(
      names = "--examples",
      defaultValue = "examples",
      description = "Manifests to apply (default: ${DEFAULT-VALUE}).")
  Path examples;

  @Option(
      names = "--dir",
      defaultValue = ".herald",
      description = "Where the sandbox keeps its state (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--dispatchers",
      defaultValue = "2",
      description = "Dispatchers to run (default: ${DEFAULT-VALUE}).")
  int dispatchers;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description = "Seconds --once waits for the examples (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(
      names = "--kube-port",
      defaultValue = "0",
      description = "Port of the Kubernetes API front for kubectl (default: a free one).")
  int kubePort;

  @Option(
      names = "--api-port",
      defaultValue = "0",
      description = "Port of Herald's HTTP API (default: a free one).")
  int apiPort;

  /**
   * Monday 2027-01-04 01:00 in Berlin, twenty campaign minutes a second: the weekly example (07:00
   * Berlin, delivered at 09:00 in each recipient's zone) fires about 18 s after start and has
   * reached New York's 09:00 some 25 s later.
   */
  static final String DEMO_CAMPAIGN_CLOCK = "2027-01-04T01:00:00+01:00 x1200";

  @Option(
      names = "--campaign-clock",
      defaultValue = DEMO_CAMPAIGN_CLOCK,
      description =
          "Campaign time: an RFC 3339 instant it starts at and x<rate>, or 'real' (default:"
              + " ${DEFAULT-VALUE}, so that the weekly example fires now; see"
              + " HERALD_CAMPAIGN_CLOCK).")
  String campaignClock;

  static final String API_NAMESPACE = "shop";
  static final String API_KEY_SECRET = "sandbox-dev-api-key";

  private final PrintStream out = System.out;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  public static void main(String[] args) {
    // fabric8's mock server logs every request through java.util.logging.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new SandboxCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path state = dir.resolve("sandbox").toAbsolutePath();
    Files.createDirectories(state);
    // Runs on Ctrl-C before the child processes are stopped, so Herald shuts down while its
    // Postgres and nats-server are still there.
    ProcessHygiene.addShutdownAction(this::stopAll);
    try {
      Instant started = Instant.now();
      out.println("Starting Herald's sandbox in " + state);
      if (SandboxEnv.removeLeftover(dir.resolve("sandbox.env"))) {
        out.println("  (removed the sandbox.env an earlier run left behind)");
      }
      wipe(state.resolve("nats"));
      PrivatePostgres postgres = keep(PrivatePostgres.start(state.resolve("postgres")));
      emptyDatabase(postgres);
      out.printf("  postgres      %s%n", postgres.jdbcUrl());
      PrivateNats nats = keep(PrivateNats.start(state.resolve("nats")));
      out.printf("  nats-server   %s%n", nats.url());
      LocalKubernetes kube = keep(LocalKubernetes.start(kubePort));
      kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
      Path kubeconfig = kube.front().writeKubeconfig(state.resolve("kubeconfig"));
      out.printf("  kubernetes    %s (mock API; kubeconfig %s)%n", kube.front().url(), kubeconfig);
      Simulators simulators = keep(Simulators.start());
      out.printf(
          "  simulators    sendgrid %s, twilio %s, vonage %s, apns %s, fcm %s, web push %s, smtp %s:%d%n",
          simulators.sendgrid().baseUrl(),
          simulators.twilio().baseUrl(),
          simulators.vonage().baseUrl(),
          simulators.apns().baseUrl(),
          simulators.fcm().baseUrl(),
          simulators.webpush().origin(),
          simulators.smtp().host(),
          simulators.smtp().port());

      StoreSettings store = new StoreSettings(postgres.jdbcUrl(), postgres.user(), "", 8);
      QueueSettings queue =
          QueueSettings.defaults(nats.url(), QueueNames.DEFAULT)
              .withAckWait(Duration.ofSeconds(30));
      KubernetesClient client = kube.client();
      int apiPort = this.apiPort != 0 ? this.apiPort : LoopbackPorts.free();
      String apiUrl = "http://127.0.0.1:" + apiPort;
      // One-click unsubscribe links are signed with a key the operator and dispatchers share.
      System.setProperty("HERALD_UNSUBSCRIBE_KEY", randomKey());
      System.setProperty("HERALD_API_PUBLIC_URL", apiUrl);
      keep(
          HeraldOperator.start(
              client,
              store,
              queue,
              ApiSettings.fromEnv(Map.of("HERALD_API_PORT", String.valueOf(apiPort)))
                  .withWebPushEndpoints(simulators.webPushEndpoints()),
              RetentionSettings.defaults(),
              "real".equals(campaignClock)
                  ? CampaignClock.system()
                  : CampaignClock.fromEnv(Map.of(CampaignClock.VARIABLE, campaignClock))));
      String apiKey = "hk_dev_" + randomKey();
      createApiKey(client, apiKey);
      out.printf(
          "  http api      %s (development key in %s)%n", apiUrl, dir.resolve("sandbox.env"));
      keep(
          SandboxDispatchers.start(
              dispatchers,
              state,
              dispatcherEnv(kubeconfig, postgres, nats, apiUrl),
              simulators.webpush().port(),
              simulators.webpush().certificate()));
      out.printf(
          "  campaign clock %s%n",
          "real".equals(campaignClock)
              ? "real time"
              : campaignClock
                  + " (campaign time for the demo; --campaign-clock real for real time)");
      out.printf(
          "  operator running (log: %s), %d dispatcher process(es) (logs: %s)%n",
          state.resolve("herald.log"), dispatchers, state.resolve("dispatcher-<n>.log"));

      int contacts = Contacts.load(examples.resolve("contacts.json"), postgres, simulators);
      List<HasMetadata> applied = apply(client, simulators);
      keep(writeEnv(kubeconfig, apiUrl, apiKey, postgres.jdbcUrl(), postgres.user()));
      out.printf(
          "Loaded %d contact(s) and applied %d resources from %s in %.1f s%n%n",
          contacts,
          applied.size(),
          examples,
          Duration.between(started, Instant.now()).toMillis() / 1000.0);

      List<Expectation> expectations = expectations(applied);
      if (expectations.isEmpty()) {
        out.println("No Notification in " + examples + ": nothing to wait for.");
        return once ? 1 : 0;
      }
      Progress progress = new Progress(client, expectations, out);
      Duration wait = once ? Duration.ofSeconds(timeoutSeconds) : Duration.ofSeconds(60);
      boolean reached = progress.await(wait);
      progress.printFinal();
      // After the examples, so that the outage it stages reaches none of them.
      FailoverDrill.Result drill =
          reached && FailoverDrill.possible(client)
              ? FailoverDrill.run(client, simulators, FailoverDrill.TIMEOUT, out)
              : null;
      out.printf("%nSimulators accepted: %s.%n", simulators.summary());
      if (once) {
        out.println(
            reached
                ? "Every example reached its expected phase."
                : "Not every example reached its expected phase.");
        if (drill != null && !drill.held()) {
          out.println(
              "The failover drill did not hold: each address should have reached smtp and vonage once.");
        }
        return reached && (drill == null || drill.held()) ? 0 : 1;
      }
      out.printf(
          "%nHerald keeps running. In another shell:%n  source %s%n  kubectl get herald -A%n"
              + "  curl -H \"Authorization: Bearer $HERALD_API_KEY\" $HERALD_API_URL/v1/users/ada%n"
              + "Ctrl-C stops everything.%n",
          dir.resolve("sandbox.env"));
      new CountDownLatch(1).await();
      return 0;
    } finally {
      stopAll();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    synchronized (running) {
      running.push(resource);
    }
    return resource;
  }

  private void stopAll() {
    while (true) {
      AutoCloseable next;
      synchronized (running) {
        next = running.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        System.err.println("stopping " + next + ": " + e);
      }
    }
  }

  /**
   * Applies every manifest in file-name order, with providers pointed at the simulators and the
   * Secrets they reference holding the simulators' credentials.
   */
  private List<HasMetadata> apply(KubernetesClient client, Simulators simulators)
      throws IOException {
    for (Class<? extends HasMetadata> kind :
        List.of(
            Notification.class,
            NotificationTemplate.class,
            DeliveryProvider.class,
            Campaign.class)) {
      client.getKubernetesSerialization().registerKubernetesResource(kind);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files =
          list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              // kustomize's file lists the manifests for GitOps; it is not a resource to apply
              .filter(p -> !p.getFileName().toString().startsWith("kustomization."))
              .sorted(Comparator.comparing(Path::toString))
              .toList();
    }
    List<HasMetadata> items = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        items.addAll(client.load(in).items());
      }
    }
    Map<String, ProviderType> secretTypes = new java.util.HashMap<>();
    for (HasMetadata item : items) {
      if (item instanceof DeliveryProvider provider
          && provider.getSpec() != null
          && provider.getSpec().getType() != null) {
        simulators.of(provider.getSpec().getType()).pointAt(provider.getSpec());
        if (provider.getSpec().getSecretRef() != null) {
          secretTypes.put(
              provider.getMetadata().getNamespace()
                  + "/"
                  + provider.getSpec().getSecretRef().name(),
              provider.getSpec().getType());
        }
      }
    }
    SandboxNamespaces.createMissing(client, items, API_NAMESPACE);
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata item : items) {
      if (item instanceof Secret secret) {
        ProviderType type =
            secretTypes.get(
                secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName());
        if (type != null) {
          secret.setStringData(null);
          secret.setData(base64(simulators.credentials(type)));
        }
      }
      applied.add(client.resource(item).createOr(NonDeletingOperation::update));
    }
    return applied;
  }

  private SandboxEnv writeEnv(
      Path kubeconfig, String apiUrl, String apiKey, String dbUrl, String dbUser) {
    Map<String, String> exports = new java.util.LinkedHashMap<>();
    exports.put("KUBECONFIG", kubeconfig.toString());
    exports.put("HERALD_API_URL", apiUrl);
    exports.put(
        "A development API key of namespace "
            + API_NAMESPACE
            + " (Secret "
            + API_KEY_SECRET
            + "): scopes send, contacts, read",
        null);
    exports.put("HERALD_API_KEY", apiKey);
    exports.put("The sandbox's Postgres, for ./herald dlq", null);
    exports.put("HERALD_DB_URL", dbUrl);
    exports.put("HERALD_DB_USER", dbUser);
    return SandboxEnv.write(dir.resolve("sandbox.env"), exports);
  }

  /**
   * What each dispatcher process reads (README, Configuration), as the in-process operator is set.
   */
  private static Map<String, String> dispatcherEnv(
      Path kubeconfig, PrivatePostgres postgres, PrivateNats nats, String apiUrl) {
    return Map.of(
        "KUBECONFIG",
        kubeconfig.toString(),
        "HERALD_DB_URL",
        postgres.jdbcUrl(),
        "HERALD_DB_USER",
        postgres.user(),
        "HERALD_DB_PASSWORD",
        "",
        "HERALD_DB_POOL",
        "8",
        "HERALD_NATS_URL",
        nats.url(),
        "HERALD_ACK_WAIT_SECONDS",
        "30",
        "HERALD_UNSUBSCRIBE_KEY",
        System.getProperty("HERALD_UNSUBSCRIBE_KEY"),
        "HERALD_API_PUBLIC_URL",
        apiUrl);
  }

  /** The development API key: a labelled Secret, as a platform team would provision one. */
  private static void createApiKey(KubernetesClient client, String key) {
    client
        .secrets()
        .inNamespace(API_NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(API_KEY_SECRET)
                .withNamespace(API_NAMESPACE)
                .addToLabels("herald.dev/api-key", "true")
                .endMetadata()
                .withData(base64(Map.of("key", key, "scopes", "send,contacts,read")))
                .build())
        .createOr(NonDeletingOperation::update);
  }

  /**
   * Secret values as {@code data} (base64), as kube-apiserver stores {@code stringData}; the mock
   * would keep {@code stringData} as it is, and {@code kubectl get secret -o
   * jsonpath='{.data.apiKey}'} would find nothing.
   */
  private static Map<String, String> base64(Map<String, String> values) {
    Map<String, String> data = new java.util.TreeMap<>();
    values.forEach(
        (k, v) ->
            data.put(
                k,
                java.util.Base64.getEncoder()
                    .encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return data;
  }

  private static String randomKey() {
    byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** Each run starts from an empty store: the mock Kubernetes API starts empty too. */
  private static void emptyDatabase(PrivatePostgres postgres) throws java.sql.SQLException {
    try (var connection = postgres.connect();
        var statement = connection.createStatement()) {
      statement.execute("drop schema public cascade; create schema public");
    }
  }

  private static void wipe(Path path) throws IOException {
    if (Files.exists(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** What an example Notification should end as: a phase, and optionally the Accepted reason. */
  /**
   * What an example should reach: a Notification its phase (and the reason of its Accepted
   * condition), a Campaign the phase of its latest run.
   */
  record Expectation(
      Class<? extends HasMetadata> kind,
      String namespace,
      String name,
      String phase,
      String reason) {
    boolean metBy(HasMetadata resource) {
      if (resource instanceof Campaign c) {
        return c.getStatus() != null
            && c.getStatus().getActive() == null
            && !c.getStatus().getRecentRuns().isEmpty()
            && c.getStatus().getRecentRuns().get(0).getPhase() != null
            && phase.equals(c.getStatus().getRecentRuns().get(0).getPhase().name());
      }
      if (!(resource instanceof Notification n)
          || n.getStatus() == null
          || n.getStatus().getPhase() == null
          || !phase.equals(n.getStatus().getPhase().name())) {
        return false;
      }
      return reason == null
          || n.getStatus()
              .condition(NotificationStatus.ACCEPTED)
              .map(c -> reason.equals(c.getReason()))
              .orElse(false);
    }
  }

  private static List<Expectation> expectations(List<HasMetadata> applied) {
    return applied.stream()
        .filter(r -> r instanceof Notification || r instanceof Campaign)
        .map(
            r -> {
              Map<String, String> annotations =
                  r.getMetadata().getAnnotations() == null
                      ? Map.of()
                      : r.getMetadata().getAnnotations();
              return new Expectation(
                  r.getClass(),
                  r.getMetadata().getNamespace(),
                  r.getMetadata().getName(),
                  annotations.getOrDefault(EXPECT_PHASE, "Completed"),
                  annotations.get(EXPECT_REASON));
            })
        .toList();
  }
}
