package dev.herald.operator;

import dev.herald.api.spec.TolerantSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * Clones resources as the operator framework does (through JSON), and hands each cloned spec the
 * JSON its original was read from, so that validation sees what the user wrote.
 */
final class SourceKeepingCloner implements Cloner {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Override
  public <R extends HasMetadata> R clone(R object) {
    R copy = serialization.clone(object);
    if (object instanceof CustomResource<?, ?> original
        && copy instanceof CustomResource<?, ?> cloned
        && original.getSpec() instanceof TolerantSpec from
        && cloned.getSpec() instanceof TolerantSpec to) {
      to.keepSourceOf(from);
    }
    return copy;
  }
}
