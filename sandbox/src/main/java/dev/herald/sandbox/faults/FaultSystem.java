package dev.herald.sandbox.faults;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SecretReference;
import dev.herald.api.provider.SendGridSettings;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.sandbox.kube.LocalKubernetes;
import dev.herald.sandbox.local.HeraldProcesses;
import dev.herald.sandbox.nats.PrivateNats;
import dev.herald.sandbox.nats.PrivateNatsCluster;
import dev.herald.sandbox.postgres.PrivatePostgres;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.StopSignal;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Herald as it runs in production, on this machine, for the fault suite: a private Postgres and
 * nats-server, fabric8's mock Kubernetes API behind its front, the SendGrid simulator, and the
 * operator and each dispatcher in a JVM of its own, so that killing one is a real SIGKILL. Postgres
 * and nats-server restart on their old ports, so clients find them again.
 */
final class FaultSystem implements AutoCloseable {
  static final String SENDGRID_KEY = "SG.faults.simulator-key";
  static final Duration ACK_WAIT = Duration.ofSeconds(10);

  /**
   * Deliveries sitting in the stream longer than this are checked against it (production: 5 min).
   */
  static final Duration SWEEP_AFTER = Duration.ofSeconds(15);

  /**
   * Each dispatcher's deliveries in hand: three at most stay under what the simulator serves at
   * once (~100).
   */
  static final int MAX_IN_FLIGHT = 24;

  private final Path state;
  private final LocalKubernetes kube;
  private final Path kubeconfig;
  final SendGridSimulator sendgrid;
  private PrivatePostgres postgres;
  private PrivateNats nats;

  /** Instead of {@link #nats}: a JetStream cluster whose stream has a replica on every node. */
  private final PrivateNatsCluster cluster;

  private final HeraldProcesses herald;

  private FaultSystem(Path state, int natsNodes) throws IOException {
    this.state = state;
    Files.createDirectories(state);
    postgres = PrivatePostgres.start(state.resolve("postgres"));
    if (natsNodes > 1) {
      cluster = PrivateNatsCluster.start(state.resolve("nats-cluster"), natsNodes);
    } else {
      cluster = null;
      nats = PrivateNats.start(state.resolve("nats"));
    }
    kube = LocalKubernetes.start(0);
    kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
    kubeconfig = kube.front().writeKubeconfig(state.resolve("kubeconfig"));
    sendgrid = SendGridSimulator.start(SENDGRID_KEY);
    herald =
        new HeraldProcesses(
            state,
            new HeraldProcesses.Servers(
                kubeconfig,
                postgres.jdbcUrl(),
                postgres.user(),
                cluster != null ? cluster.url() : nats.url(),
                cluster != null ? cluster.size() : 1),
            Map.of(
                "HERALD_ACK_WAIT_SECONDS",
                String.valueOf(ACK_WAIT.toSeconds()),
                "HERALD_MAX_IN_FLIGHT",
                String.valueOf(MAX_IN_FLIGHT),
                "HERALD_SWEEP_AFTER_SECONDS",
                String.valueOf(SWEEP_AFTER.toSeconds())),
            name -> List.of("-XX:+UseSerialGC", "-Xmx384m", "-XX:TieredStopAtLevel=1"));
  }

  /** Starts the infrastructure, the operator and {@code dispatchers} dispatchers. */
  static FaultSystem start(Path state, int dispatchers) throws IOException {
    return start(state, dispatchers, 1);
  }

  /**
   * As above, on a JetStream cluster of {@code natsNodes} nodes (stream replicas on each) when more
   * than one.
   */
  static FaultSystem start(Path state, int dispatchers, int natsNodes) throws IOException {
    FaultSystem system = new FaultSystem(state, natsNodes);
    try {
      system.startOperator();
      for (int i = 0; i < dispatchers; i++) {
        system.startDispatcher();
      }
      return system;
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  KubernetesClient client() {
    return kube.client();
  }

  // ---- Herald's processes ---------------------------------------------------------------------

  void startOperator() {
    herald.startOperator();
  }

  /** SIGKILL: nothing is flushed, nothing is handed over. */
  void killOperator() {
    herald.killOperator();
  }

  /** Starts one more dispatcher; returns its name. */
  String startDispatcher() {
    return herald.startDispatcher();
  }

  /** SIGKILLs one running dispatcher; returns its name. */
  String killDispatcher(String name) {
    return herald.killDispatcher(name);
  }

  List<String> dispatchers() {
    return herald.dispatchers();
  }

  // ---- the infrastructure ---------------------------------------------------------------------

  /**
   * Stops nats-server (cleanly) and starts it again on the same port and store, after {@code down}.
   */
  void restartNats(Duration down) {
    int port = nats.port();
    nats.close();
    pause(down);
    nats = PrivateNats.start(state.resolve("nats"), false, port);
  }

  /**
   * Stops nats-server, deletes its JetStream store and starts it again on the same port after
   * {@code down}: the broker forgets every message, acknowledged or not, and its duplicate window.
   */
  void wipeNats(Duration down) {
    int port = nats.port();
    Path store = nats.storeDir();
    nats.close();
    try (java.util.stream.Stream<Path> all = Files.walk(store)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wipe " + store, e);
    }
    pause(down);
    nats = PrivateNats.start(state.resolve("nats"), false, port);
  }

  /**
   * Stops Postgres with {@code signal} (INT fast, QUIT immediate) and starts it again on the same
   * port.
   */
  void restartPostgres(StopSignal signal, Duration down) {
    int port = postgres.port();
    ProcessHygiene.signal(postgres.pid(), signal);
    ProcessHandle.of(postgres.pid()).ifPresent(h -> h.onExit().join());
    postgres.close();
    pause(down);
    postgres = PrivatePostgres.start(state.resolve("postgres"), Map.of(), port);
  }

  /**
   * SIGSTOPs Postgres for {@code paused}, then SIGCONTs it: every statement under way hangs
   * meanwhile.
   */
  void pausePostgres(Duration paused) {
    signal(postgres.pid(), "STOP");
    try {
      pause(paused);
    } finally {
      signal(postgres.pid(), "CONT");
    }
  }

  private static void signal(long pid, String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void pause(Duration d) {
    dev.herald.sandbox.process.Polling.pause(d);
  }

  // ---- tenants and traffic --------------------------------------------------------------------

  /** A namespace with a SendGrid provider pointed at the simulator and a one-line template. */
  void tenant(String ns) {
    tenant(ns, true);
  }

  /**
   * As above; without its Secret when {@code withSecret} is false, so that its provider is not
   * Ready (and its deliveries wait) until {@link #providerSecret} creates it.
   */
  void tenant(String ns, boolean withSecret) {
    KubernetesClient c = client();
    if (withSecret) {
      providerSecret(ns);
    }
    DeliveryProviderSpec spec = new DeliveryProviderSpec();
    spec.setType(ProviderType.SENDGRID);
    spec.setSecretRef(new SecretReference("sendgrid"));
    spec.setEndpoint(sendgrid.baseUrl());
    spec.setSendgrid(new SendGridSettings("faults@herald.example", "Herald"));
    DeliveryProvider p = new DeliveryProvider();
    p.setMetadata(new ObjectMetaBuilder().withName("sendgrid").withNamespace(ns).build());
    p.setSpec(spec);
    c.resource(p).create();
    NotificationTemplateSpec t = new NotificationTemplateSpec();
    t.setEmail(
        new EmailContent(
            "Run {{ run }}", "<p>{{ run }} for {{ recipient.id }}</p>", null, null, null, null));
    NotificationTemplate template = new NotificationTemplate();
    template.setMetadata(new ObjectMetaBuilder().withName("run").withNamespace(ns).build());
    template.setSpec(t);
    c.resource(template).create();
  }

  /** The Secret of a namespace's SendGrid provider. */
  void providerSecret(String ns) {
    client()
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName("sendgrid").withNamespace(ns).build())
                .withStringData(Map.of("apiKey", SENDGRID_KEY))
                .build())
        .create();
  }

  /** The work stream Herald's processes use (their default names). */
  String streamName() {
    return dev.herald.api.queue.QueueNames.DEFAULT.stream();
  }

  /** The JetStream cluster, when the system runs on one. */
  PrivateNatsCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("this system runs a single nats-server");
    }
    return cluster;
  }

  /** A key of a namespace's own, accepted by the API once this returns. */
  String apiKey(String ns) {
    String key =
        "hk_"
            + ns.replace('-', '_')
            + "_"
            + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    client()
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName("faults-key")
                        .withNamespace(ns)
                        .addToLabels("herald.dev/api-key", "true")
                        .build())
                .withStringData(Map.of("key", key, "scopes", "send,read"))
                .build())
        .create();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (status("GET", "/v1/notifications/00000000-0000-7000-8000-000000000000", key, null, null)
          == 404) {
        return key;
      }
      pause(Duration.ofMillis(200));
    }
    throw new IllegalStateException("the API did not accept the key of " + ns);
  }

  /**
   * Sends one notification to {@code addresses} through the API, retrying (same Idempotency-Key)
   * until it is accepted (the operator may be down for a while); returns when it was accepted.
   */
  Instant send(String key, String idempotencyKey, List<String> addresses, Duration patience) {
    StringBuilder recipients = new StringBuilder();
    for (String a : addresses) {
      recipients
          .append(recipients.isEmpty() ? "" : ",")
          .append("{\"email\":\"")
          .append(a)
          .append("\"}");
    }
    String body =
        "{\"template\":\"run\",\"channels\":[\"email\"],\"priority\":\"normal\",\"data\":{\"run\":\""
            + idempotencyKey
            + "\"},\"recipients\":["
            + recipients
            + "]}";
    Instant deadline = Instant.now().plus(patience);
    int last = -1;
    while (Instant.now().isBefore(deadline)) {
      last = status("POST", "/v1/notifications", key, body, idempotencyKey);
      if (last == 202 || last == 200) {
        return Instant.now();
      }
      pause(Duration.ofMillis(250));
    }
    throw new IllegalStateException(
        "notification " + idempotencyKey + " was not accepted (last answer " + last + ")");
  }

  private int status(String method, String path, String key, String body, String idempotencyKey) {
    return herald.api().status(method, path, key, body, idempotencyKey);
  }

  /**
   * Users {@code r0…} of {@code ns} with addresses {@code r<i>@<ns>.example}, the ones the
   * scenarios' sends use, written straight into the contact store (the audience is the setting of a
   * campaign scenario, not what it tests).
   */
  void users(String ns, int n) {
    try (Connection c = postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into users (tenant, user_id, email, locale) select ?, 'r' || i, 'r' || i ||"
                    + " '@' || ? || '.example', 'en' from generate_series(0, ? - 1) i")) {
      ps.setString(1, ns);
      ps.setString(2, ns);
      ps.setInt(3, n);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A one-shot Campaign, due now, of the template {@code run} to every user of {@code ns}. */
  void campaignNow(String ns, String name) {
    client()
        .resource(
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(
                    """
                    apiVersion: herald.dev/v1alpha1
                    kind: Campaign
                    metadata: {name: %s, namespace: %s}
                    spec:
                      template: run
                      audience: {all: true}
                      channels: [email]
                      priority: normal
                      startAt: "%s"
                      data: {run: %s}
                    """
                        .formatted(name, ns, Instant.now().minusSeconds(1), name),
                    dev.herald.api.campaign.Campaign.class))
        .create();
  }

  /** Deliveries written so far by the Campaign runs of {@code ns} (-1 while Postgres is away). */
  long campaignRows(String ns) {
    try (Connection c = postgres.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select coalesce(sum(written), 0) from campaign_runs where tenant = ?")) {
      ps.setString(1, ns);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  // ---- what Postgres says ---------------------------------------------------------------------

  /** Delivery ids of a namespace by state, retrying while Postgres is away. */
  Map<String, List<String>> deliveries(String ns) {
    for (int attempt = 0; ; attempt++) {
      try (Connection c = postgres.connect();
          PreparedStatement ps =
              c.prepareStatement("select id::text, state from deliveries where tenant = ?")) {
        ps.setString(1, ns);
        Map<String, List<String>> byState = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byState.computeIfAbsent(rs.getString(2), s -> new ArrayList<>()).add(rs.getString(1));
          }
        }
        return byState;
      } catch (SQLException e) {
        if (attempt > 100) {
          throw new IllegalStateException(e);
        }
        pause(Duration.ofMillis(300));
      }
    }
  }

  @Override
  public void close() {
    herald.close();
    sendgrid.close();
    kube.close();
    if (cluster != null) {
      cluster.close();
    } else {
      nats.close();
    }
    postgres.close();
  }
}
