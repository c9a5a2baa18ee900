package dev.herald.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A reconcile's context with the secondary resources its informers would hold, and nothing else:
 * what a reconciler reads of it beyond them fails the test, so none reaches an API server.
 */
public final class InMemoryContext<P extends HasMetadata> implements Context<P> {
  private final P primary;
  private final Set<Object> secondaries = new LinkedHashSet<>();

  public InMemoryContext(P primary, Object... secondaries) {
    this.primary = primary;
    this.secondaries.addAll(java.util.List.of(secondaries));
  }

  @Override
  public <R> Set<R> getSecondaryResources(Class<R> type) {
    Set<R> found = new LinkedHashSet<>();
    secondaries.stream().filter(type::isInstance).map(type::cast).forEach(found::add);
    return found;
  }

  @Override
  public <R> Optional<R> getSecondaryResource(Class<R> type, String eventSourceName) {
    return getSecondaryResources(type).stream().findFirst();
  }

  @Override
  public P getPrimaryResource() {
    return primary;
  }

  @Override
  public Optional<RetryInfo> getRetryInfo() {
    return Optional.empty();
  }

  @Override
  public boolean isNextReconciliationImminent() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceDeleted() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceFinalStateUnknown() {
    return false;
  }

  @Override
  public ControllerConfiguration<P> getControllerConfiguration() {
    throw new UnsupportedOperationException("not in a unit test");
  }

  @Override
  public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
    throw new UnsupportedOperationException("not in a unit test");
  }

  @Override
  public EventSourceRetriever<P> eventSourceRetriever() {
    throw new UnsupportedOperationException("not in a unit test");
  }

  @Override
  public KubernetesClient getClient() {
    throw new UnsupportedOperationException("not in a unit test");
  }

  @Override
  public ExecutorService getWorkflowExecutorService() {
    throw new UnsupportedOperationException("not in a unit test");
  }

  @Override
  public IndexedResourceCache<P> getPrimaryCache() {
    throw new UnsupportedOperationException("not in a unit test");
  }
}
