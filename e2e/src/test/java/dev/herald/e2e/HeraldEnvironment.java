package dev.herald.e2e;

import dev.herald.api.Channel;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.notification.Recipient;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SecretReference;
import dev.herald.api.provider.SendGridSettings;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.dispatcher.DispatcherSettings;
import dev.herald.operator.HeraldOperator;
import dev.herald.testkit.kube.MockKube;
import dev.herald.testkit.nats.TestNats;
import dev.herald.testkit.postgres.TestDatabase;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The whole system for one test class: fabric8's mock Kubernetes API, a fresh database on the
 * machine's Postgres, stream names of its own on the machine's NATS, the SendGrid simulator, the
 * operator and a dispatcher.
 */
final class HeraldEnvironment implements AutoCloseable {
  static final String SENDGRID_KEY = "SG.test-key.for-the-simulator";

  final MockKube kube;
  final TestDatabase database;
  final TestNats nats;
  final SendGridSimulator sendgrid;
  final StoreSettings store;
  final QueueSettings queue;
  final DispatcherSettings dispatcherSettings;
  HeraldOperator operator;
  private final List<Dispatcher> dispatchers = new ArrayList<>();

  private HeraldEnvironment(String hint, Duration ackWait) {
    this(hint, ackWait, Integer.MAX_VALUE);
  }

  private HeraldEnvironment(String hint, Duration ackWait, int maxAckPending) {
    kube = MockKube.start();
    database = TestDatabase.create(hint);
    nats = TestNats.create(hint);
    sendgrid = SendGridSimulator.start(SENDGRID_KEY);
    store = new StoreSettings(database.jdbcUrl(), database.user(), database.password(), 8);
    QueueSettings defaults = QueueSettings.defaults(nats.url(), nats.names()).withAckWait(ackWait);
    queue =
        maxAckPending == Integer.MAX_VALUE ? defaults : defaults.withMaxAckPending(maxAckPending);
    dispatcherSettings =
        DispatcherSettings.defaults()
            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
            .withSendTimeout(Duration.ofSeconds(2));
    operator = HeraldOperator.start(kube.client(), store, queue);
  }

  static HeraldEnvironment start(String hint, Duration ackWait) {
    return new HeraldEnvironment(hint, ackWait);
  }

  /** With each lane consumer holding at most {@code maxAckPending} unacknowledged messages. */
  static HeraldEnvironment start(String hint, Duration ackWait, int maxAckPending) {
    return new HeraldEnvironment(hint, ackWait, maxAckPending);
  }

  /**
   * Stops the operator, as a rolling update or a crash would; {@link #startOperator()} brings one
   * back.
   */
  void stopOperator() {
    operator.close();
  }

  void startOperator() {
    operator = HeraldOperator.start(kube.client(), store, queue);
  }

  /** Replaces the operator by one that schedules campaigns in {@code clock}'s time. */
  void restartOperator(dev.herald.core.schedule.CampaignClock clock) {
    operator.close();
    operator =
        HeraldOperator.start(
            kube.client(),
            store,
            queue,
            dev.herald.operator.http.ApiSettings.ephemeral(),
            dev.herald.core.config.RetentionSettings.defaults(),
            clock);
  }

  /**
   * Writes {@code n} users {@code <prefix>0000} … with e-mail addresses {@code <id>@<namespace>
   * .example}, each with the attributes and zone that {@code describe} gives for its index.
   */
  void users(
      String namespace,
      String prefix,
      int n,
      java.util.function.IntFunction<java.util.Map<String, Object>> attributes,
      java.util.function.IntFunction<String> timeZone) {
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into users (tenant, user_id, email, locale, time_zone, attributes)"
                    + " values (?, ?, ?, 'en', ?, cast(? as jsonb))")) {
      for (int i = 0; i < n; i++) {
        String id = prefix + String.format("%04d", i);
        ps.setString(1, namespace);
        ps.setString(2, id);
        ps.setString(3, id + "@" + namespace + ".example");
        ps.setString(4, timeZone.apply(i));
        ps.setString(5, dev.herald.core.Json.write(attributes.apply(i)));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces the operator by one whose HTTP API has {@code api}'s settings. */
  void restartOperator(dev.herald.operator.http.ApiSettings api) {
    operator.close();
    operator = HeraldOperator.start(kube.client(), store, queue, api);
  }

  Dispatcher startDispatcher(String name) {
    return startDispatcher(name, dispatcherSettings);
  }

  Dispatcher startDispatcher(String name, DispatcherSettings settings) {
    Dispatcher d = Dispatcher.start(kube.newClient(), store, queue, settings, name);
    dispatchers.add(d);
    return d;
  }

  /** A dispatcher with these providers (for example web push allowed to a loopback simulator). */
  Dispatcher startDispatcher(String name, dev.herald.providers.Providers providers) {
    Dispatcher d =
        Dispatcher.start(kube.newClient(), store, queue, dispatcherSettings, providers, name);
    dispatchers.add(d);
    return d;
  }

  void forget(Dispatcher d) {
    dispatchers.remove(d);
  }

  KubernetesClient client() {
    return kube.client();
  }

  /** A Secret with the simulator's key, a SendGrid provider using it, and a template. */
  void emailSetup(String namespace) {
    secret(namespace, "sendgrid-credentials", Map.of("apiKey", SENDGRID_KEY));
    sendgridProvider(namespace, "sendgrid", "sendgrid-credentials");
    template(
        namespace,
        "order-shipped",
        "Order {{ orderId }} has shipped",
        "<p>Hello, your order <b>{{ orderId }}</b> note: {{ note }}</p>",
        "Order {{ orderId }} shipped");
  }

  void secret(String namespace, String name, Map<String, String> values) {
    client()
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName(name).withNamespace(namespace).build())
                .withStringData(values)
                .build())
        .create();
  }

  DeliveryProvider sendgridProvider(String namespace, String name, String secret) {
    return sendgridProvider(namespace, name, secret, sendgrid.baseUrl(), null);
  }

  DeliveryProvider sendgridProvider(
      String namespace, String name, String secret, String endpoint, Integer order) {
    DeliveryProviderSpec spec = providerSpec(ProviderType.SENDGRID, secret, endpoint);
    spec.setSendgrid(new SendGridSettings("notifications@herald.example", "Herald"));
    spec.setOrder(order);
    return provider(namespace, name, spec);
  }

  /**
   * A Secret with the simulator's key, a SendGrid provider named {@code sendgrid} with these limits
   * (either may be null), and the {@code order-shipped} template.
   */
  void limitedEmailSetup(String namespace, Integer rateLimit, Integer maxConcurrency) {
    secret(namespace, "sendgrid-credentials", Map.of("apiKey", SENDGRID_KEY));
    DeliveryProviderSpec spec =
        providerSpec(ProviderType.SENDGRID, "sendgrid-credentials", sendgrid.baseUrl());
    spec.setSendgrid(new SendGridSettings("notifications@herald.example", "Herald"));
    spec.setRateLimit(rateLimit);
    spec.setMaxConcurrency(maxConcurrency);
    provider(namespace, "sendgrid", spec);
    template(
        namespace,
        "order-shipped",
        "Order {{ orderId }} has shipped",
        "<p>{{ orderId }} {{ note }}</p>",
        null);
  }

  static DeliveryProviderSpec providerSpec(ProviderType type, String secret, String endpoint) {
    DeliveryProviderSpec spec = new DeliveryProviderSpec();
    spec.setType(type);
    spec.setSecretRef(new SecretReference(secret));
    spec.setEndpoint(endpoint);
    return spec;
  }

  DeliveryProvider provider(String namespace, String name, DeliveryProviderSpec spec) {
    DeliveryProvider p = new DeliveryProvider();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    p.setSpec(spec);
    return client().resource(p).create();
  }

  /** Writes a user of the contact store, with devices as (platform, token) pairs. */
  void user(String namespace, String id, String email, String phone, String... devices) {
    try (Connection c = database.connect()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into users (tenant, user_id, email, phone, locale) values (?, ?, ?, ?, 'en')")) {
        ps.setString(1, namespace);
        ps.setString(2, id);
        ps.setString(3, email);
        ps.setString(4, phone);
        ps.executeUpdate();
      }
      for (int i = 0; i < devices.length; i += 2) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "insert into devices (tenant, user_id, platform, token) values (?, ?, ?, ?)")) {
          ps.setString(1, namespace);
          ps.setString(2, id);
          ps.setString(3, devices[i]);
          ps.setString(4, devices[i + 1]);
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a device token is still active, and why not if it is not. */
  String deviceState(String namespace, String token) {
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select active, invalidated_reason from devices where tenant = ? and token = ?")) {
      ps.setString(1, namespace);
      ps.setString(2, token);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? (rs.getBoolean(1) ? "active" : "inactive:" + rs.getString(2))
            : "missing";
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The provider each delivery of a namespace went out through, with counts. */
  Map<String, Long> deliveriesByProvider(String namespace) {
    try (Connection c = database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select provider, count(*) from deliveries where tenant = ? and state = 'sent' group by provider")) {
      ps.setString(1, namespace);
      Map<String, Long> result = new java.util.TreeMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1), rs.getLong(2));
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Notification of a template to users of the contact store. */
  Notification userNotification(
      String namespace, String name, String template, List<Channel> channels, String... users) {
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    NotificationSpec spec = new NotificationSpec();
    spec.setTemplate(template);
    spec.setChannels(channels);
    spec.setRecipients(Arrays.stream(users).map(Recipient::user).toList());
    n.setSpec(spec);
    return client().resource(n).create();
  }

  NotificationTemplate template(
      String namespace, String name, String subject, String html, String text) {
    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    NotificationTemplateSpec spec = new NotificationTemplateSpec();
    spec.setEmail(new EmailContent(subject, html, text, null, null, null));
    t.setSpec(spec);
    return client().resource(t).create();
  }

  Notification emailNotification(
      String namespace,
      String name,
      String template,
      Map<String, String> data,
      String... addresses) {
    return emailNotification(namespace, name, template, data, null, addresses);
  }

  Notification emailNotification(
      String namespace,
      String name,
      String template,
      Map<String, String> data,
      dev.herald.api.Priority priority,
      String... addresses) {
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    NotificationSpec spec = new NotificationSpec();
    spec.setTemplate(template);
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setRecipients(Arrays.stream(addresses).map(Recipient::email).toList());
    var node = dev.herald.core.Json.MAPPER.createObjectNode();
    data.forEach(node::put);
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> values =
        new java.util.LinkedHashMap<>();
    node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
    spec.setData(values);
    spec.setPriority(priority);
    n.setSpec(spec);
    return client().resource(n).create();
  }

  /** Waits (up to a minute) for a Notification to reach a phase, and returns it then. */
  Notification awaitPhase(String namespace, String name, String phase) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Notification n = notification(namespace, name);
              org.assertj.core.api.Assertions.assertThat(n.getStatus())
                  .as("status of %s", name)
                  .isNotNull();
              org.assertj.core.api.Assertions.assertThat(n.getStatus().getPhase())
                  .as("phase of %s: %s", name, dev.herald.core.Json.write(n.getStatus()))
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.valueOf(phase));
            });
    return notification(namespace, name);
  }

  /**
   * A resource's condition of the given type. While the operator has not written it yet this fails
   * as an assertion, which Awaitility retries (a NullPointerException would end the wait at once).
   */
  static io.fabric8.kubernetes.api.model.Condition condition(
      io.fabric8.kubernetes.client.CustomResource<?, ? extends dev.herald.api.status.HeraldStatus>
          resource,
      String type) {
    org.assertj.core.api.Assertions.assertThat(resource).as("resource").isNotNull();
    org.assertj.core.api.Assertions.assertThat(resource.getStatus())
        .as("status of %s", resource.getMetadata().getName())
        .isNotNull();
    return resource
        .getStatus()
        .condition(type)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + type
                        + " condition yet on "
                        + resource.getMetadata().getName()
                        + ": "
                        + dev.herald.core.Json.write(resource.getStatus())));
  }

  Notification notification(String namespace, String name) {
    return client().resources(Notification.class).inNamespace(namespace).withName(name).get();
  }

  /** Deliveries stored for a namespace, whatever their state. */
  long deliveryRows(String namespace) throws SQLException {
    return count("select count(*) from deliveries where tenant = ?", namespace);
  }

  /** Deliveries of a namespace in one state. */
  /** The most provider calls any delivery of a namespace took. */
  long maxAttempts(String namespace) throws SQLException {
    return count("select coalesce(max(attempts), 0) from deliveries where tenant = ?", namespace);
  }

  long deliveriesIn(String namespace, String state) {
    try {
      return count(
          "select count(*) from deliveries where tenant = ? and state = ?", namespace, state);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql, String... args) throws SQLException {
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public void close() {
    for (Dispatcher d : List.copyOf(dispatchers)) {
      d.close();
    }
    operator.close();
    sendgrid.close();
    nats.close();
    database.close();
    kube.close();
  }
}
