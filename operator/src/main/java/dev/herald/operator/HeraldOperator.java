package dev.herald.operator;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.core.db.Database;
import dev.herald.core.metrics.HeraldRegistry;
import dev.herald.core.metrics.MetricsServer;
import dev.herald.core.metrics.MetricsSettings;
import dev.herald.core.metrics.QueueGauges;
import dev.herald.core.metrics.Sampler;
import dev.herald.core.queue.DeliveryPublisher;
import dev.herald.core.queue.QueueConnection;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.core.store.CampaignRunStore;
import dev.herald.core.store.CircuitStore;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryStore;
import dev.herald.core.store.EarlyReceipts;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.PartitionMaintenance;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.campaign.CampaignFanOut;
import dev.herald.operator.campaign.CampaignReconciler;
import dev.herald.operator.campaign.CampaignRenderCheck;
import dev.herald.operator.campaign.CampaignRunner;
import dev.herald.operator.campaign.FanOutWorker;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.http.ApiServer;
import dev.herald.operator.http.ApiSettings;
import dev.herald.operator.metrics.DeadLetterMetrics;
import dev.herald.operator.metrics.ReconcileMetrics;
import dev.herald.operator.metrics.RelayMetrics;
import dev.herald.operator.notification.ContactDirectory;
import dev.herald.operator.notification.NotificationAcceptance;
import dev.herald.operator.notification.NotificationReconciler;
import dev.herald.operator.notification.PreferenceCache;
import dev.herald.operator.notification.RecipientResolver;
import dev.herald.operator.provider.DeliveryProviderReconciler;
import dev.herald.operator.relay.OutboxRelay;
import dev.herald.operator.relay.StrandedDeliverySweeper;
import dev.herald.operator.template.NotificationTemplateReconciler;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: the HTTP API, the three reconcilers, the relay that publishes committed
 * deliveries, and the partition maintenance job, over one NATS connection and two Postgres pools:
 * the relay and the stranded-delivery sweep have one of their own, so that a burst of API requests
 * never holds back publishing (a one-time password accepted meanwhile is published at once).
 */
public final class HeraldOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeraldOperator.class);

  /** Daily delivery partitions are created this far ahead, at start-up and hourly. */
  private static final int PARTITIONS_AHEAD_DAYS = 7;

  /**
   * Deliveries one relay pass publishes. The next pass starts when this one's publishes are
   * acknowledged and recorded: a smaller pass lets a high-priority delivery accepted meanwhile go
   * out sooner.
   */
  private static final int RELAY_BATCH = 250;

  /** The relay's pass and the stranded-delivery sweep. */
  private static final int RELAY_POOL = 2;

  private final Database database;
  private final Database relayDatabase;
  private final QueueConnection queue;
  private final OutboxRelay relay;
  private final Operator operator;
  private final ScheduledExecutorService maintenance;
  private final ApiServer api;
  private final ScheduledExecutorService campaignRuns;
  private final Leadership leadership;
  private final HeraldRegistry meters;
  private final Sampler sampler;
  private final MetricsServer metricsServer;

  private HeraldOperator(
      Database database,
      Database relayDatabase,
      QueueConnection queue,
      OutboxRelay relay,
      Operator operator,
      ScheduledExecutorService maintenance,
      ScheduledExecutorService campaignRuns,
      ApiServer api,
      Leadership leadership,
      HeraldRegistry meters,
      Sampler sampler,
      MetricsServer metricsServer) {
    this.meters = meters;
    this.sampler = sampler;
    this.metricsServer = metricsServer;
    this.api = api;
    this.leadership = leadership;
    this.campaignRuns = campaignRuns;
    this.database = database;
    this.relayDatabase = relayDatabase;
    this.queue = queue;
    this.relay = relay;
    this.operator = operator;
    this.maintenance = maintenance;
  }

  /** Starts everything with the HTTP API on a free port ({@link #apiPort()}). */
  public static HeraldOperator start(
      KubernetesClient kube, StoreSettings store, QueueSettings queueSettings) {
    return start(kube, store, queueSettings, ApiSettings.ephemeral());
  }

  /** Starts everything with the default retention; the Kubernetes client stays the caller's. */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings) {
    return start(kube, store, queueSettings, apiSettings, RetentionSettings.defaults());
  }

  /** Starts everything with campaigns in real time; the Kubernetes client stays the caller's. */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings,
      RetentionSettings retention) {
    return start(kube, store, queueSettings, apiSettings, retention, CampaignClock.system());
  }

  /** Starts everything without leader election (one process reconciles). */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings,
      RetentionSettings retention,
      CampaignClock campaignClock) {
    return start(
        kube, store, queueSettings, apiSettings, retention, campaignClock, LeaderSettings.none());
  }

  /** Starts everything with metrics on a free port ({@link #metricsPort()}), every namespace. */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings,
      RetentionSettings retention,
      CampaignClock campaignClock,
      LeaderSettings leader) {
    return start(
        kube,
        store,
        queueSettings,
        apiSettings,
        retention,
        campaignClock,
        leader,
        MetricsSettings.ephemeral(),
        WatchedNamespaces.ALL);
  }

  /** As above, serving {@code watched}. */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings,
      RetentionSettings retention,
      CampaignClock campaignClock,
      LeaderSettings leader,
      WatchedNamespaces watched) {
    return start(
        kube,
        store,
        queueSettings,
        apiSettings,
        retention,
        campaignClock,
        leader,
        MetricsSettings.ephemeral(),
        watched);
  }

  /**
   * Starts everything; the Kubernetes client stays the caller's. {@code campaignClock} is the time
   * campaigns are scheduled in (the system clock but in demos and tests); {@code watched} the
   * namespaces whose resources, Secrets and API keys it serves.
   */
  public static HeraldOperator start(
      KubernetesClient kube,
      StoreSettings store,
      QueueSettings queueSettings,
      ApiSettings apiSettings,
      RetentionSettings retention,
      CampaignClock campaignClock,
      LeaderSettings leader,
      MetricsSettings metricsSettings,
      WatchedNamespaces watched) {
    // every controller (and, inheriting them, its informers) watches these namespaces only
    java.util.function.Consumer<
            io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<?>>
        namespaces =
            o -> {
              if (!watched.all()) {
                o.settingNamespaces(watched.names());
              }
            };
    Leadership leadership = new Leadership(!leader.enabled());
    HeraldRegistry meters = HeraldRegistry.create();
    Database database = Database.open(store, "herald-operator");
    QueueConnection queue = QueueConnection.connect(queueSettings, "herald-operator");
    queue.ensureTopology();

    Database relayDatabase = Database.openSecond(store, "herald-relay", RELAY_POOL);
    DeliveryStore deliveries = new DeliveryStore(relayDatabase.jdbi());
    NotificationStore notifications = new NotificationStore(database.jdbi());
    DeliveryPublisher publisher = new DeliveryPublisher(queue);
    RelayMetrics relayMetrics = new RelayMetrics(meters.registry());
    OutboxRelay relay =
        new OutboxRelay(
            deliveries,
            publisher,
            RELAY_BATCH,
            Duration.ofSeconds(1),
            queue::repairTopology,
            relayMetrics);
    // Gauges that cost a query, sampled on a thread of their own; every replica samples, so
    // alerts take the max over replicas.
    Sampler sampler =
        new Sampler(meters.registry(), metricsSettings.sampleEvery(), "herald-metrics-sampler");
    // On the main pool: the relay's two connections are for publishing only.
    sampler.add("relay_backlog", relayMetrics.sampler(new DeliveryStore(database.jdbi())));
    sampler.add(
        "dead_letters",
        new DeadLetterMetrics(meters.registry())
            .sampler(new dev.herald.core.store.DeadLetters(database.jdbi())));
    sampler.add(
        "queue", new QueueGauges(meters.registry(), queue::management, queueSettings.names()));

    TemplateRenderer renderer = new TemplateRenderer();
    EventRecorder events = new EventRecorder(kube);
    ContactStore contacts = new ContactStore(database.jdbi());
    PreferenceCache preferences = new PreferenceCache(contacts, Duration.ofSeconds(30), 100_000);
    NotificationAcceptance acceptance =
        new NotificationAcceptance(
            SchemaValidator.forResource(Notification.class),
            renderer,
            new RecipientResolver(contacts, preferences),
            notifications,
            relay::wakeUp,
            retention);

    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(kube)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .checkingCRDAndValidateLocalModel(false)
                    .withStopOnInformerErrorDuringStartup(false)
                    // The default handler exits the process when an informer stops on an error (one
                    // object it
                    // cannot read): no single object may stop Herald. Those informers read
                    // leniently; should one
                    // stop anyway, the rest of the operator goes on and says which.
                    .withInformerStoppedHandler(
                        (informer, error) -> {
                          if (error != null) {
                            LOG.error(
                                "informer of {} stopped on {}; its resources are no longer watched",
                                informer.getApiTypeClass().getSimpleName(),
                                error.getClass().getName());
                          }
                        })
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(5))
                    .withMetrics(new ReconcileMetrics(meters.registry()))
                    .withResourceCloner(new SourceKeepingCloner())
                    .withLeaderElectionConfiguration(
                        leader.enabled() ? leadership.configuration(leader) : null));
    operator.register(
        new NotificationTemplateReconciler(
            SchemaValidator.forResource(NotificationTemplate.class), renderer, events),
        namespaces::accept);
    operator.register(
        new DeliveryProviderReconciler(
            SchemaValidator.forResource(DeliveryProvider.class),
            events,
            new CircuitStore(database.jdbi())),
        namespaces::accept);
    NotificationReconciler notificationReconciler =
        new NotificationReconciler(acceptance, notifications, events);
    // Campaign runs: written a page at a time on a thread of their own (a run of a million users
    // takes minutes), and resumed from their checkpoints at start and every minute (a fan-out
    // that failed on a database outage is taken up again). Preferences are read from Postgres,
    // not the cache, which a campaign's audience would flush.
    CampaignRunStore campaignRunStore = new CampaignRunStore(database.jdbi());
    CampaignFanOut campaignFanOut =
        new CampaignFanOut(
            campaignRunStore,
            notifications,
            new RecipientResolver(ContactDirectory.of(contacts), contacts::preferences),
            relay::wakeUp,
            CampaignFanOut.DEFAULT_PAGE_SIZE,
            null,
            campaignClock);
    ScheduledExecutorService campaignRuns =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("herald-campaign-runs").daemon(true).factory());
    operator.register(
        new CampaignReconciler(
            SchemaValidator.forResource(Campaign.class),
            events,
            new CampaignRunner(
                campaignRunStore,
                notifications,
                campaignFanOut,
                new FanOutWorker(campaignFanOut, campaignRuns),
                acceptance,
                notificationReconciler,
                events,
                campaignClock,
                new CampaignRenderCheck(renderer)),
            notificationReconciler,
            retention),
        namespaces::accept);
    operator.register(notificationReconciler, namespaces::accept);

    ScheduledExecutorService maintenance =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("herald-maintenance").daemon(true).factory());
    PartitionMaintenance partitions =
        new PartitionMaintenance(database.jdbi(), PARTITIONS_AHEAD_DAYS, retention.days());
    maintenance.scheduleWithFixedDelay(
        () -> {
          try {
            partitions.run();
          } catch (RuntimeException e) {
            LOG.warn("partition maintenance failed: {}", e.toString());
          }
        },
        0,
        1,
        TimeUnit.HOURS);
    Duration sweepEvery =
        queueSettings.strandedAfter().compareTo(Duration.ofMinutes(1)) < 0
            ? java.util.Collections.max(
                java.util.List.of(queueSettings.strandedAfter(), Duration.ofSeconds(1)))
            : Duration.ofMinutes(1);
    StrandedDeliverySweeper sweeper =
        new StrandedDeliverySweeper(
            deliveries,
            publisher,
            queue.management(),
            queueSettings.names().stream(),
            queue::repairTopology);
    maintenance.scheduleWithFixedDelay(
        () -> {
          try {
            sweeper.runOnce(queueSettings.strandedAfter());
          } catch (RuntimeException e) {
            LOG.warn("stranded-delivery sweep failed: {}", e.toString());
          }
        },
        sweepEvery.toMillis(),
        sweepEvery.toMillis(),
        TimeUnit.MILLISECONDS);

    // Delivery counters: deltas of notifications nobody reads are folded into their totals.
    maintenance.scheduleWithFixedDelay(
        () -> {
          try {
            while (notifications.foldCounts(10_000) == 10_000) {
              // a backlog: go on
            }
          } catch (RuntimeException e) {
            LOG.warn("delivery counter fold failed: {}", e.toString());
          }
        },
        1,
        1,
        TimeUnit.MINUTES);

    EarlyReceipts early = new EarlyReceipts(database.jdbi());
    maintenance.scheduleWithFixedDelay(
        () -> {
          try {
            early.sweep(EarlyReceipts.DEFAULT_MAX_AGE);
          } catch (RuntimeException e) {
            LOG.warn("early-receipt sweep failed: {}", e.toString());
          }
        },
        1,
        1,
        TimeUnit.MINUTES);

    campaignRuns.scheduleWithFixedDelay(
        () -> {
          try {
            int resumed = campaignFanOut.resumeUnfinished();
            if (resumed > 0) {
              LOG.info("{} unfinished campaign run(s) fanned out", resumed);
            }
          } catch (RuntimeException e) {
            LOG.warn("resuming campaign runs failed: {}", e.toString());
          }
        },
        0,
        1,
        TimeUnit.MINUTES);

    relay.start();
    operator.start();
    ApiServer api =
        ApiServer.start(
            apiSettings,
            new ApiServer.Services(
                kube,
                database.jdbi(),
                contacts,
                notifications,
                preferences,
                acceptance,
                notificationReconciler,
                meters.registry(),
                watched));
    // The API's own /healthz and /readyz stay on its port; only /metrics is here.
    MetricsServer metricsServer =
        MetricsServer.start(metricsSettings, meters::scrape, java.util.Map.of());
    LOG.info("herald operator started");
    return new HeraldOperator(
        database,
        relayDatabase,
        queue,
        relay,
        operator,
        maintenance,
        campaignRuns,
        api,
        leadership,
        meters,
        sampler,
        metricsServer);
  }

  /** Whether this replica reconciles now: the Lease's holder, or the only process. */
  public boolean leading() {
    return leadership.leading();
  }

  /** The port {@code /metrics} is served on. */
  public int metricsPort() {
    return metricsServer.port();
  }

  /** The port the HTTP API listens on. */
  public int apiPort() {
    return api.port();
  }

  @Override
  public void close() {
    leadership.closing();
    metricsServer.close();
    sampler.close();
    api.close();
    operator.stop();
    maintenance.shutdownNow();
    campaignRuns.shutdownNow();
    relay.close();
    queue.close();
    relayDatabase.close();
    database.close();
    meters.close();
  }
}
