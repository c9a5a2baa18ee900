package dev.herald.operator.http;

import dev.herald.core.config.WatchedNamespaces;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Informers on the Secrets that carry {@code <label>=true}, in every namespace or one per watched
 * namespace, held as generic resources: a Secret whose {@code data} fabric8's Secret class cannot
 * read is handed over as it is (and reported by the caller) instead of stopping the informer.
 */
final class LabelledSecrets implements AutoCloseable {
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers;

  private LabelledSecrets(List<SharedIndexInformer<GenericKubernetesResource>> informers) {
    this.informers = informers;
  }

  /** {@code applied} for each Secret added or changed, {@code deleted} for each one gone. */
  static LabelledSecrets inform(
      KubernetesClient kube,
      WatchedNamespaces watched,
      String label,
      Consumer<GenericKubernetesResource> applied,
      Consumer<GenericKubernetesResource> deleted) {
    ResourceEventHandler<GenericKubernetesResource> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource s) {
            applied.accept(s);
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource s) {
            applied.accept(s);
          }

          @Override
          public void onDelete(GenericKubernetesResource s, boolean unknownFinalState) {
            deleted.accept(s);
          }
        };
    var secrets = kube.genericKubernetesResources("v1", "Secret");
    if (watched.all()) {
      return new LabelledSecrets(
          List.of(secrets.inAnyNamespace().withLabel(label, "true").inform(handler)));
    }
    return new LabelledSecrets(
        watched.names().stream()
            .map(ns -> secrets.inNamespace(ns).withLabel(label, "true").inform(handler))
            .toList());
  }

  boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
