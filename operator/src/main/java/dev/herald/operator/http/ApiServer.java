package dev.herald.operator.http;

import dev.herald.core.config.WatchedNamespaces;
import dev.herald.core.store.ApiKeyStore;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeadLetters;
import dev.herald.core.store.DeliveryStore;
import dev.herald.core.store.EarlyReceipts;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.WebhookReceipts;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.operator.metrics.ApiMetrics;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.PreferenceCache;
import dev.herald.operator.notification.TemplateCatalog;
import dev.herald.providers.Providers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP intake API served by every operator replica: {@code /v1} JSON resources authorised by
 * API keys (and, for client apps, user tokens), {@code /healthz}, {@code /readyz} and {@code
 * /openapi.json}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final HttpServer server;
  private final ApiKeys keys;
  private final UserTokenKeys userTokenKeys;

  private ApiServer(Vertx vertx, HttpServer server, ApiKeys keys, UserTokenKeys userTokenKeys) {
    this.vertx = vertx;
    this.server = server;
    this.keys = keys;
    this.userTokenKeys = userTokenKeys;
  }

  /** What the API needs from the rest of the operator. */
  public record Services(
      KubernetesClient kube,
      Jdbi jdbi,
      ContactStore contacts,
      NotificationStore notifications,
      PreferenceCache preferences,
      NotificationAcceptance acceptance,
      TemplateCatalog catalog,
      MeterRegistry meters,
      WatchedNamespaces watched) {}

  public static ApiServer start(ApiSettings settings, Services s) {
    UserTokenKeys userTokenKeys = new UserTokenKeys(s.kube());
    userTokenKeys.start(s.watched());
    ApiKeys keys =
        new ApiKeys(
            s.kube(),
            new ApiKeyStore(s.jdbi()),
            settings.ratePerSecond(),
            new UserTokens(userTokenKeys, settings.userTokenMaxLifetime(), Clock.systemUTC()));
    keys.start(s.watched());
    Vertx vertx = Vertx.vertx();
    SlowClients slow = new SlowClients(vertx, settings.headerTimeout(), settings.bodyIdleTimeout());
    Router router = Router.router(vertx);
    // First, so that a request refused by any later handler is counted too.
    router.route().handler(new ApiMetrics(s.meters(), router)::begin);
    router.route().handler(slow::request);
    routes(router, vertx, settings, s, keys);
    try {
      HttpServer server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setMaxHeaderSize(RequestTarget.MAX_HEADERS)
                      .setMaxInitialLineLength(RequestTarget.MAX_REQUEST_LINE)
                      .setIdleTimeout((int) settings.idleTimeout().toMillis())
                      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                      // With h2c upgrade detection Vert.x names an HTTP/1.1 connection only once
                      // its first
                      // request is read; without it, at accept, so the header timeout covers that
                      // request too.
                      .setHttp2ClearTextEnabled(false))
              .invalidRequestHandler(RequestTarget::invalid)
              .connectionHandler(slow::connected)
              .requestHandler(router)
              .listen(settings.port(), "0.0.0.0")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      LOG.info("HTTP API listening on port {}", server.actualPort());
      return new ApiServer(vertx, server, keys, userTokenKeys);
    } catch (Exception e) {
      keys.close();
      userTokenKeys.close();
      vertx.close();
      throw new IllegalStateException("cannot start the HTTP API on port " + settings.port(), e);
    }
  }

  /** Every route of the API, on {@code vertx}. */
  static Router router(Vertx vertx, ApiSettings settings, Services s, ApiKeys keys) {
    return routes(Router.router(vertx), vertx, settings, s, keys);
  }

  private static Router routes(
      Router router, Vertx vertx, ApiSettings settings, Services s, ApiKeys keys) {
    router.route().handler(RequestTarget::check);
    new ImportRoutes(s.contacts(), settings.importLimit()).mount(router, keys);
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(settings.bodyLimit()));
    new HealthRoutes(s.jdbi(), () -> keys.synced() && s.catalog().synced()).mount(router);
    new UserRoutes(s.contacts(), s.preferences(), settings.webPushEndpoints()).mount(router, keys);
    new SuppressionRoutes(s.contacts()).mount(router, keys);
    new NotificationRoutes(s.acceptance(), s.notifications(), s.catalog()).mount(router, keys);
    new DeadLetterRoutes(new DeadLetters(s.jdbi())).mount(router, keys);
    Receipts receipts =
        new Receipts(
            new DeliveryStore(s.jdbi()),
            new EarlyReceipts(s.jdbi()),
            s.contacts(),
            s.preferences());
    new WebhookRoutes(
            Providers.forChecks(),
            new ProviderSecrets(s.kube(), s.catalog()),
            receipts,
            new WebhookReceipts(s.jdbi()),
            Clock.systemUTC())
        .mount(router);
    new UnsubscribeRoutes(UnsubscribeLinks.fromEnvironment(), receipts).mount(router);
    new DeliveryEventRoutes(receipts).mount(router, keys);
    Problems.install(router);
    return router;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("HTTP API did not close cleanly: {}", e.toString());
    }
    keys.close();
    userTokenKeys.close();
    vertx.close();
  }
}
