package dev.herald.dispatcher;

import dev.herald.api.Channel;
import dev.herald.core.batch.Batcher;
import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.metrics.HeraldRegistry;
import dev.herald.core.metrics.MetricsServer;
import dev.herald.core.metrics.MetricsSettings;
import dev.herald.core.queue.QueueConnection;
import dev.herald.core.store.CircuitStore;
import dev.herald.core.store.Claim;
import dev.herald.core.store.ClaimAnswer;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryStore;
import dev.herald.core.store.FrequencyCaps;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Outcome;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.dispatcher.consumer.DeliveryHandler;
import dev.herald.dispatcher.consumer.LanePuller;
import dev.herald.dispatcher.consumer.ProviderChanges;
import dev.herald.dispatcher.metrics.DeliveryMetrics;
import dev.herald.dispatcher.metrics.Readiness;
import dev.herald.dispatcher.provider.ProviderRegistry;
import dev.herald.providers.ProviderEnvironment;
import dev.herald.providers.Providers;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dispatcher process: one puller per channel, handlers on virtual threads, claims and outcomes
 * written to Postgres in batches. Stateless: any number may run.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Database database;
  private final QueueConnection queue;
  private final ProviderRegistry providers;
  private final ProviderChanges providerChanges;
  private final DeliveryHandler handler;
  private final Batcher<DeliveryKey, ClaimAnswer> claims;
  private final Batcher<DeliveryKey, Claim> rechecks;
  private final Batcher<Outcome, Boolean> outcomes;
  private final List<LanePuller> pullers = new ArrayList<>();
  private final List<Thread> pullerThreads = new ArrayList<>();
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final HeraldRegistry meters;
  private final Readiness readiness;
  private final MetricsServer metricsServer;

  /** The providers Herald ships, as production runs them: public push services only. */
  public static Providers providers() {
    return providers(WebPushEndpoints.publicOnly());
  }

  /**
   * The providers, with web push sent under {@code webPushEndpoints}' rules (only the sandbox and
   * tests pass other rules than {@link WebPushEndpoints#publicOnly()}), and the unsubscribe links
   * this process is configured with.
   */
  public static Providers providers(WebPushEndpoints webPushEndpoints) {
    return Providers.of(
        new ProviderEnvironment(webPushEndpoints, UnsubscribeLinks.fromEnvironment()));
  }

  private Dispatcher(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      DispatcherSettings settings,
      Providers providerTypes,
      String name,
      MetricsSettings metricsSettings) {
    // Served first: /healthz answers while the dispatcher connects, /readyz says it is not ready.
    this.meters = HeraldRegistry.create();
    this.readiness = new Readiness();
    this.metricsServer =
        MetricsServer.start(
            metricsSettings,
            meters::scrape,
            Map.of("/healthz", Optional::empty, "/readyz", readiness));
    Database openedDatabase = null;
    QueueConnection openedQueue = null;
    try {
      openedDatabase = Database.open(store, name);
      openedQueue = QueueConnection.connect(queueSettings, name);
      openedQueue.ensureTopology();
    } catch (RuntimeException e) {
      // Nothing of a dispatcher that never started stays open (the port, a pool, a connection).
      if (openedQueue != null) {
        openedQueue.abort();
      }
      if (openedDatabase != null) {
        openedDatabase.close();
      }
      metricsServer.close();
      meters.close();
      throw e;
    }
    this.database = openedDatabase;
    this.queue = openedQueue;
    DeliveryStore deliveries = new DeliveryStore(database.jdbi());
    this.claims =
        new Batcher<>(
            name + "-claims",
            500,
            settings.batchDelay(),
            keys -> {
              Map<java.util.UUID, Claim> claimed = deliveries.claim(keys, queueSettings.ackWait());
              // A copy of a message another dispatcher holds: it waits out that dispatcher's lease.
              List<DeliveryKey> unclaimed =
                  keys.stream().filter(k -> !claimed.containsKey(k.id())).toList();
              Map<java.util.UUID, java.time.Duration> held =
                  deliveries.heldElsewhere(unclaimed, queueSettings.ackWait());
              return keys.stream()
                  .<ClaimAnswer>map(
                      k ->
                          claimed.containsKey(k.id())
                              ? claimed.get(k.id())
                              : held.containsKey(k.id())
                                  ? new ClaimAnswer.HeldElsewhere(held.get(k.id()))
                                  : null)
                  .toList();
            });
    // Checking a claim this dispatcher holds: no lease to wait out.
    this.rechecks =
        new Batcher<>(
            name + "-rechecks",
            500,
            settings.batchDelay(),
            keys -> {
              Map<java.util.UUID, Claim> claimed = deliveries.claim(keys, java.time.Duration.ZERO);
              return keys.stream().map(k -> claimed.get(k.id())).toList();
            });
    this.outcomes =
        new Batcher<>(
            name + "-outcomes",
            500,
            settings.batchDelay(),
            batch -> {
              boolean[] moved = deliveries.record(batch);
              List<Boolean> result = new ArrayList<>(moved.length);
              for (boolean m : moved) {
                result.add(m);
              }
              return result;
            });
    this.providerChanges = new ProviderChanges(deliveries, new CircuitStore(database.jdbi()), name);
    this.providers =
        new ProviderRegistry(
            kube,
            providerTypes,
            settings.sendTimeout(),
            settings.circuitOpenFor(),
            settings.permitWait(),
            settings.watched(),
            providerChanges,
            meters.registry());
    this.handler =
        new DeliveryHandler(
            claims,
            rechecks,
            outcomes,
            new NotificationStore(database.jdbi()),
            new FrequencyCaps(database.jdbi()),
            new ContactStore(database.jdbi()),
            new TemplateRenderer(),
            providers,
            settings,
            queue.jetStream(),
            queueSettings.names(),
            queueSettings.ackWait(),
            new DeliveryMetrics(meters.registry()));
    for (Channel channel : settings.channels()) {
      LanePuller puller =
          new LanePuller(
              queue.nats(),
              queueSettings.names(),
              channel,
              settings.fetchBatch(),
              new Semaphore(settings.maxInFlight()),
              handlers,
              handler::handle,
              queue::repairTopology);
      pullers.add(puller);
      pullerThreads.add(
          Thread.ofPlatform()
              .name(name + "-pull-" + channel.wireName())
              .daemon(true)
              .start(puller));
    }
    readiness.started(
        List.of(
            Readiness.answers(
                "Postgres", () -> database.jdbi().useHandle(h -> h.execute("select 1"))),
            Readiness.holds(
                "NATS",
                () -> queue.nats().getStatus() == io.nats.client.Connection.Status.CONNECTED,
                "not connected"),
            Readiness.holds(
                "DeliveryProvider informer", providers::synced, "has not listed providers yet")));
    LOG.info("dispatcher {} pulling {}", name, settings.channels());
  }

  public static Dispatcher start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queue,
      DispatcherSettings settings,
      String name) {
    return new Dispatcher(
        kube, store, queue, settings, providers(), name, MetricsSettings.ephemeral());
  }

  public static Dispatcher start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queue,
      DispatcherSettings settings,
      Providers providerTypes,
      String name) {
    return new Dispatcher(
        kube, store, queue, settings, providerTypes, name, MetricsSettings.ephemeral());
  }

  /**
   * Starts a dispatcher whose {@code /metrics}, {@code /healthz} and {@code /readyz} are served as
   * {@code metrics} says.
   */
  public static Dispatcher start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queue,
      DispatcherSettings settings,
      Providers providerTypes,
      String name,
      MetricsSettings metrics) {
    return new Dispatcher(kube, store, queue, settings, providerTypes, name, metrics);
  }

  /** The port {@code /metrics}, {@code /healthz} and {@code /readyz} are served on. */
  public int metricsPort() {
    return metricsServer.port();
  }

  /**
   * Closes the NATS connection under the running dispatcher, as a broker that is gone for good
   * would: {@code /readyz} then says it is not ready. For tests of readiness.
   */
  public void loseQueueConnection() {
    queue.abort();
  }

  /** Stops pulling, lets deliveries in hand finish and be recorded, then closes. */
  @Override
  public void close() {
    readiness.stopping();
    pullers.forEach(LanePuller::stop);
    joinPullers();
    handlers.shutdown();
    try {
      if (!handlers.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("deliveries still in hand after 30 s; JetStream will redeliver them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    release();
  }

  /**
   * Stops at once, as a crash would: deliveries in hand are neither recorded nor acknowledged, and
   * JetStream redelivers them after AckWait.
   */
  public void halt() {
    readiness.stopping();
    pullers.forEach(LanePuller::stop);
    queue.abort();
    handlers.shutdownNow();
    joinPullers();
    release();
  }

  private void joinPullers() {
    for (Thread t : pullerThreads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void release() {
    handler.close();
    claims.close();
    rechecks.close();
    outcomes.close();
    providers.close();
    providerChanges.close();
    queue.close();
    database.close();
    metricsServer.close();
    meters.close();
  }
}
