package dev.herald.dispatcher.provider;

import dev.herald.api.Channel;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.core.SecretValues;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.dispatcher.metrics.ProviderMetrics;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.Providers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ready providers of each namespace and channel, as clients. It watches DeliveryProviders; the
 * operator records the Secret's resourceVersion in status, so a rotated Secret changes the provider
 * and its client is rebuilt with a fresh read of the Secret — no restart, and no cluster-wide watch
 * of Secrets.
 */
public final class ProviderRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  /** A built client, its gate, and the provider version they were built from. */
  private record Built(String version, ProviderClient client, ProviderGate gate) {}

  private final KubernetesClient kube;
  private final Providers providerTypes;

  /** One informer for every namespace, or one per watched namespace, by namespace (null: all). */
  private final Map<String, SharedIndexInformer<DeliveryProvider>> informers;

  private final Map<String, Built> clients = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final Duration circuitOpenFor;
  private final Duration permitWait;
  private final ProviderEvents events;
  private final MeterRegistry meters;
  private final Map<String, ProviderMetrics> providerMetrics = new ConcurrentHashMap<>();

  public ProviderRegistry(
      KubernetesClient kube,
      Providers providerTypes,
      Duration timeout,
      Duration circuitOpenFor,
      Duration permitWait,
      WatchedNamespaces watched,
      ProviderEvents events,
      MeterRegistry meters) {
    this.meters = meters;
    this.kube = kube;
    this.timeout = timeout;
    this.circuitOpenFor = circuitOpenFor;
    this.permitWait = permitWait;
    this.events = events;
    this.providerTypes = providerTypes;
    ResourceEventHandler<DeliveryProvider> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(DeliveryProvider p) {
            announceReady(null, p);
          }

          @Override
          public void onUpdate(DeliveryProvider old, DeliveryProvider p) {
            announceReady(old, p);
          }

          @Override
          public void onDelete(DeliveryProvider p, boolean unknownFinalState) {}
        };
    Map<String, SharedIndexInformer<DeliveryProvider>> byNamespace = new java.util.HashMap<>();
    if (watched.all()) {
      byNamespace.put(
          null, kube.resources(DeliveryProvider.class).inAnyNamespace().inform(handler));
    } else {
      for (String ns : watched.names()) {
        byNamespace.put(ns, kube.resources(DeliveryProvider.class).inNamespace(ns).inform(handler));
      }
    }
    this.informers = java.util.Collections.unmodifiableMap(byNamespace);
  }

  /** Deliveries waiting for a Ready provider of the channel need not wait out their full pause. */
  private void announceReady(DeliveryProvider old, DeliveryProvider p) {
    if (p.getSpec() != null
        && p.getSpec().getType() != null
        && isReady(p)
        && (old == null || !isReady(old))) {
      events.becameReady(p.getMetadata().getNamespace(), p.getSpec().getType().channel());
    }
  }

  /** A provider that may take a delivery, with its client and gate. */
  public record Candidate(String name, ProviderClient client, ProviderGate gate) {}

  /**
   * Ready providers of a namespace for a channel that can reach {@code address} (for push: of that
   * platform, and for web of that form), in their {@code order}.
   */
  public List<Candidate> ready(String namespace, Channel channel, String platform, String address) {
    // Looked up per delivery: the informer's namespace index, not a scan of every provider.
    SharedIndexInformer<DeliveryProvider> informer =
        informers.containsKey(null) ? informers.get(null) : informers.get(namespace);
    if (informer == null) {
      return List.of(); // a namespace this installation does not serve
    }
    return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream()
        .filter(
            p ->
                p.getSpec() != null
                    && p.getSpec().getType() != null
                    && p.getSpec().getType().channel() == channel
                    && (platform == null
                        || providerTypes.of(p.getSpec().getType()).serves(platform, address)))
        .filter(ProviderRegistry::isReady)
        .sorted(
            Comparator.comparing(
                    (DeliveryProvider p) -> Objects.requireNonNullElse(p.getSpec().getOrder(), 100))
                .thenComparing(p -> p.getMetadata().getName()))
        .map(p -> candidate(p))
        .filter(c -> c != null)
        .toList();
  }

  private static boolean isReady(DeliveryProvider p) {
    DeliveryProviderStatus s = p.getStatus();
    return s != null
        && s.isTrue(DeliveryProviderStatus.READY)
        && Objects.equals(s.getObservedGeneration(), p.getMetadata().getGeneration());
  }

  private Candidate candidate(DeliveryProvider p) {
    String uid = p.getMetadata().getUid();
    String version = p.getMetadata().getGeneration() + "/" + p.getStatus().getSecretVersion();
    Built built =
        clients.compute(
            uid,
            (k, current) -> {
              if (current != null && current.version().equals(version)) {
                return current;
              }
              ProviderClient next = build(p);
              if (current != null) {
                current.client().close();
              }
              String namespace = p.getMetadata().getNamespace();
              String name = p.getMetadata().getName();
              Channel channel = p.getSpec().getType().channel();
              return next == null
                  ? null
                  : new Built(
                      version,
                      next,
                      new ProviderGate(
                          namespace + "/" + name,
                          p.getSpec(),
                          circuitOpenFor,
                          permitWait,
                          (from, to, lastError) ->
                              events.circuitChanged(namespace, name, channel, from, to, lastError),
                          metrics(namespace, name, p.getSpec().getType().wireName())));
            });
    return built == null
        ? null
        : new Candidate(p.getMetadata().getName(), built.client(), built.gate());
  }

  /** One set of meters per provider for the life of the process, whatever its gate becomes. */
  private ProviderMetrics metrics(String namespace, String name, String type) {
    return providerMetrics.computeIfAbsent(
        namespace + "/" + name + "/" + type,
        k -> new ProviderMetrics(meters, namespace, name, type));
  }

  /** Whether every informer has listed its DeliveryProviders once (readiness). */
  public boolean synced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  private ProviderClient build(DeliveryProvider p) {
    String namespace = p.getMetadata().getNamespace();
    // Read as a generic resource: a Secret fabric8's class cannot read must not fail the delivery
    // in hand.
    GenericKubernetesResource secret =
        kube.genericKubernetesResources("v1", "Secret")
            .inNamespace(namespace)
            .withName(p.getSpec().getSecretRef().name())
            .get();
    if (secret == null) {
      LOG.warn(
          "provider {}/{}: its Secret is gone; not sending through it",
          namespace,
          p.getMetadata().getName());
      return null;
    }
    SecretValues.Readout readout = SecretValues.read(secret);
    if (!readout.problems().isEmpty()) {
      LOG.warn(
          "provider {}/{}: its Secret cannot be read ({}); not sending through it",
          namespace,
          p.getMetadata().getName(),
          String.join("; ", readout.problems()));
      return null;
    }
    try {
      ProviderClient client =
          providerTypes
              .of(p.getSpec().getType())
              .client(
                  new ProviderConfig(
                      namespace,
                      p.getMetadata().getName(),
                      p.getSpec(),
                      readout.values(),
                      timeout));
      LOG.info(
          "provider {}/{} ({}): client built",
          namespace,
          p.getMetadata().getName(),
          p.getSpec().getType().wireName());
      return client;
    } catch (IllegalArgumentException e) {
      // The factory names the unusable key, never its value; deliveries wait for a fixed Secret.
      LOG.warn(
          "provider {}/{}: credentials unusable, not sending through it: {}",
          namespace,
          p.getMetadata().getName(),
          e.getMessage());
      return null;
    }
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
    clients.values().forEach(b -> b.client().close());
    clients.clear();
  }
}
