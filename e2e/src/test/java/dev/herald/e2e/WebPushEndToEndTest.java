package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.WebPushSettings;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.api.template.PushContent;
import dev.herald.core.Json;
import dev.herald.core.webpush.HostResolver;
import dev.herald.core.webpush.LoopbackAllowance;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.operator.http.ApiSettings;
import dev.herald.testkit.webpush.BrowserSubscription;
import dev.herald.testkit.webpush.WebPushSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Web Push from the browser's registration to the decrypted payload: a subscription registered
 * through the HTTP API, a notification sent through the API, the dispatcher's VAPID-signed,
 * encrypted push arriving at the push service simulator, which decrypts it with the browser's key.
 * And what must not get through: bare endpoints, internal hosts at registration, a name that
 * re-binds to loopback after registration, a subscription the push service says is gone.
 *
 * <p>Operator and dispatcher get the loopback allowance for the simulator and a resolver table for
 * the attacker's names; nothing here looks up real DNS or dials an address off this machine (the
 * table's one public answer is only ever checked, at registration).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPushEndToEndTest {
  private static final String NS = "web";

  /**
   * What the attacker's DNS answers for push.rebind.com: public at registration, loopback at send.
   */
  private static final AtomicReference<String> REBIND = new AtomicReference<>("142.250.74.110");

  private static final HostResolver RESOLVER =
      host ->
          switch (host) {
            case "push.rebind.com" -> new InetAddress[] {InetAddress.getByName(REBIND.get())};
            case "loopback.attacker.com" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "metadata.attacker.com" ->
                new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            default -> throw new UnknownHostException(host);
          };
  private static HeraldEnvironment env;
  private static WebPushSimulator simulator;
  private static ApiClient api;
  private static String key;

  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static final List<String> SECRETS = new CopyOnWriteArrayList<>();
  private static Level heraldLevel;

  @BeforeAll
  static void start() {
    Logger herald = (Logger) LoggerFactory.getLogger("dev.herald");
    heraldLevel = herald.getLevel();
    herald.setLevel(Level.DEBUG);
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    env = HeraldEnvironment.start("e2e-webpush", Duration.ofSeconds(5));
    simulator = WebPushSimulator.start();
    WebPushEndpoints endpoints =
        WebPushEndpoints.resolvingWith(RESOLVER)
            .allowing(LoopbackAllowance.localhost(simulator.port(), simulator.certificate()));
    env.restartOperator(ApiSettings.ephemeral().withWebPushEndpoints(endpoints));
    env.startDispatcher("dispatcher-webpush", Dispatcher.providers(endpoints));
    api = new ApiClient(env.operator.apiPort());
    key = apiKey(env, api, NS, "app-key", "send,contacts,read");

    env.secret(NS, "webpush-vapid", simulator.vapidSecret());
    SECRETS.add(simulator.vapidSecret().get("vapidPrivateKey"));
    DeliveryProviderSpec spec =
        HeraldEnvironment.providerSpec(ProviderType.WEBPUSH, "webpush-vapid", null);
    spec.setWebpush(new WebPushSettings("mailto:push@shop.example"));
    env.provider(NS, "webpush", spec);
    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName("order-update").withNamespace(NS).build());
    NotificationTemplateSpec content = new NotificationTemplateSpec();
    content.setPush(
        new PushContent(
            "Order {{ orderId }}",
            "It is {{ status }}",
            Map.of("orderId", "{{ orderId }}"),
            null,
            null,
            "order-updates",
            null));
    t.setSpec(content);
    env.client().resource(t).create();
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    ((Logger) LoggerFactory.getLogger("dev.herald")).setLevel(heraldLevel);
    if (env != null) {
      env.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  private static ApiClient.Answer register(String user, String body) {
    // A subscription's auth secret and the path that identifies it must never reach a log line.
    JsonNode sent = Json.read(body, JsonNode.class).path("subscription");
    if (!sent.isMissingNode()) {
      SECRETS.add(sent.path("keys").path("auth").asText());
      String endpoint = sent.path("endpoint").asText();
      if (endpoint.contains("/push/")) {
        SECRETS.add(endpoint.substring(endpoint.indexOf("/push/")));
      }
    }
    return api.send("POST", "/v1/users/" + user + "/devices", key, body);
  }

  private static String user(String id) {
    var put = api.send("PUT", "/v1/users/" + id, key, "{\"locale\":\"en\"}");
    assertThat(put.status()).as(put.toString()).isIn(200, 201);
    return id;
  }

  private static String send(String user, String orderId) {
    var answer =
        api.send(
            "POST",
            "/v1/notifications",
            key,
            """
        {"template":"order-update","recipients":[{"user":"%s"}],"channels":["push"],"priority":"high",
         "data":{"orderId":"%s","status":"packed"}}"""
                .formatted(user, orderId));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
    return answer.json().path("id").asText();
  }

  private static JsonNode status(String id) {
    return api.get("/v1/notifications/" + id, key).json();
  }

  @Test
  void aSubscriptionRegisteredThroughTheApiReceivesTheEncryptedPush() {
    String grace = user("grace");
    BrowserSubscription browser = simulator.subscribe("grace-laptop");
    var registered =
        register(grace, "{\"platform\":\"web\",\"subscription\":" + browser.toJson() + "}");
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    assertThat(registered.json().path("token").asText()).isEqualTo(browser.endpoint());

    String id = send(grace, "1003");
    await().atMost(Duration.ofSeconds(20)).until(() -> !simulator.pushesTo(browser).isEmpty());
    var received = simulator.pushesTo(browser).get(0);
    JsonNode payload = Json.read(received.payload(), JsonNode.class);
    assertThat(payload.path("title").asText()).isEqualTo("Order 1003");
    assertThat(payload.path("body").asText()).isEqualTo("It is packed");
    assertThat(payload.path("data").path("orderId").asText()).isEqualTo("1003");
    assertThat(received.urgency()).isEqualTo("high");
    assertThat(received.topic()).isEqualTo("order-updates");
    assertThat(received.vapidSubject()).isEqualTo("mailto:push@shop.example");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(id).path("counts").toString().contains("sent"));
    assertThat(env.deliveriesByProvider(NS)).containsEntry("webpush", 1L);
    assertThat(simulator.rejections()).isEmpty();
  }

  @Test
  void whatCannotBeAPublicSubscriptionIsRefusedByField() {
    String mallory = user("mallory");
    BrowserSubscription browser = simulator.subscribe("mallory");
    var bare = register(mallory, "{\"platform\":\"web\",\"token\":\"" + browser.endpoint() + "\"}");
    assertThat(bare.status()).isEqualTo(422);
    assertThat(bare.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(bare.json().path("field").asText()).isEqualTo("token");
    for (String endpoint :
        new String[] {
          "https://169.254.169.254/latest/meta-data/iam",
          "https://10.0.0.8/push",
          "https://[::1]/push",
          "http://push.services.mozilla.com/x",
          "https://metadata.google.internal/x",
          "https://loopback.attacker.com/push/1",
          "https://metadata.attacker.com/push/1",
          "https://localhost:" + (simulator.port() + 1) + "/push/mallory"
        }) {
      var refused =
          register(
              mallory,
              "{\"platform\":\"web\",\"subscription\":"
                  + browser.toJson().replace(browser.endpoint(), endpoint)
                  + "}");
      assertThat(refused.status()).as(endpoint).isEqualTo(422);
      assertThat(refused.json().path("field").asText())
          .as(endpoint)
          .isEqualTo("subscription.endpoint");
    }
    var badKeys =
        register(
            mallory,
            "{\"platform\":\"web\",\"subscription\":"
                + browser.toJson().replace(browser.auth(), "c2hvcnQ")
                + "}");
    assertThat(badKeys.status()).isEqualTo(422);
    assertThat(badKeys.json().path("field").asText()).isEqualTo("subscription.keys.auth");
    assertThat(
            ApiFixtures.count(
                env, "select count(*) from devices where tenant = ? and user_id = 'mallory'", NS))
        .isZero();
  }

  @Test
  void aNameThatReBindsToLoopbackAfterRegistrationIsRefusedAtSend() {
    String eve = user("eve");
    BrowserSubscription browser = simulator.subscribe("eve");
    String endpoint = "https://push.rebind.com/push/eve";
    var registered =
        register(
            eve,
            "{\"platform\":\"web\",\"subscription\":"
                + browser.toJson().replace(browser.endpoint(), endpoint)
                + "}");
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    REBIND.set("127.0.0.1");
    int before = simulator.requests();

    String id = send(eve, "1004");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> env.deviceState(NS, endpoint).startsWith("inactive"));
    assertThat(env.deviceState(NS, endpoint)).isEqualTo("inactive:endpoint_refused");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(id).path("counts").toString().contains("failed"));
    assertThat(simulator.requests()).isEqualTo(before);
  }

  @Test
  void aSubscriptionThePushServiceSaysIsGoneIsDeactivated() {
    String ivan = user("ivan");
    BrowserSubscription browser = simulator.subscribe("ivan");
    assertThat(
            register(ivan, "{\"platform\":\"web\",\"subscription\":" + browser.toJson() + "}")
                .status())
        .isEqualTo(201);
    simulator.unsubscribe(browser);
    send(ivan, "1005");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> env.deviceState(NS, browser.endpoint()).startsWith("inactive"));
    assertThat(env.deviceState(NS, browser.endpoint())).isEqualTo("inactive:subscription_gone");

    // The browser subscribes again (same endpoint, new keys): the device is active and reachable
    // again.
    BrowserSubscription again = simulator.subscribe("ivan");
    assertThat(
            register(ivan, "{\"platform\":\"web\",\"subscription\":" + again.toJson() + "}")
                .status())
        .isEqualTo(201);
    assertThat(env.deviceState(NS, again.endpoint())).isEqualTo("active");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noLogLineCarriesTheVapidPrivateKeyASubscriptionsSecretOrItsFullEndpoint() {
    assertThat(LOGS.list).isNotEmpty();
    for (ILoggingEvent event : List.copyOf(LOGS.list)) {
      String line =
          event.getFormattedMessage()
              + (event.getThrowableProxy() == null
                  ? ""
                  : " " + event.getThrowableProxy().getMessage());
      for (String secret : SECRETS) {
        assertThat(line).as("log line").doesNotContain(secret);
      }
    }
  }
}
