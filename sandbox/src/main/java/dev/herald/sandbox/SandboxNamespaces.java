package dev.herald.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The Namespaces the sandbox's manifests use, created as a cluster administrator would have. The
 * mock stores objects in a namespace that does not exist (kube-apiserver refuses them), and
 * kubectl, told an object is not found, then checks its namespace and reports {@code namespaces
 * "shop" not found} instead of the missing object.
 */
final class SandboxNamespaces {
  private SandboxNamespaces() {}

  /**
   * Creates each namespace of {@code items} and of {@code more} that does not exist yet; returns
   * them all.
   */
  static List<String> createMissing(
      KubernetesClient client, Collection<? extends HasMetadata> items, String... more) {
    TreeSet<String> names =
        Stream.concat(items.stream().map(i -> i.getMetadata().getNamespace()), Stream.of(more))
            .filter(Objects::nonNull)
            .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    for (String name : names) {
      if (client.namespaces().withName(name).get() == null) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      }
    }
    return List.copyOf(names);
  }
}
