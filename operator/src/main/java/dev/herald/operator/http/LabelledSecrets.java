package dev.herald.operator.http;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;

/**
 * An informer on the Secrets of every namespace that carry {@code <label>=true}, held as generic
 * resources: a Secret whose {@code data} fabric8's Secret class cannot read is handed over as it is
 * (and reported by the caller) instead of stopping the informer.
 */
final class LabelledSecrets {
  private LabelledSecrets() {}

  /** {@code applied} for each Secret added or changed, {@code deleted} for each one gone. */
  static SharedIndexInformer<GenericKubernetesResource> inform(
      KubernetesClient kube,
      String label,
      Consumer<GenericKubernetesResource> applied,
      Consumer<GenericKubernetesResource> deleted) {
    return kube.genericKubernetesResources("v1", "Secret")
        .inAnyNamespace()
        .withLabel(label, "true")
        .inform(
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
            });
  }
}
