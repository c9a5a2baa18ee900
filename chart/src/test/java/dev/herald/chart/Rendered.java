package dev.herald.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The objects one {@code helm template} produced. */
record Rendered(List<HasMetadata> objects) {
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
  }

  List<GenericKubernetesResource> generic(String apiVersion, String kind) {
    return objects.stream()
        .filter(GenericKubernetesResource.class::isInstance)
        .map(GenericKubernetesResource.class::cast)
        .filter(o -> o.getApiVersion().equals(apiVersion) && o.getKind().equals(kind))
        .toList();
  }

  Deployment operator() {
    return one(Deployment.class, Chart.RELEASE + "-operator");
  }

  Deployment dispatcher() {
    return one(Deployment.class, Chart.RELEASE + "-dispatcher");
  }

  static Container container(Deployment d) {
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    if (containers.size() != 1) {
      throw new IllegalStateException(d.getMetadata().getName() + " has " + containers.size());
    }
    return containers.get(0);
  }

  /** The container's env by name (plain values; a valueFrom entry maps to null). */
  static Map<String, EnvVar> env(Deployment d) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    for (EnvVar e : container(d).getEnv()) {
      if (env.put(e.getName(), e) != null) {
        throw new IllegalStateException(e.getName() + " is set twice in " + d.getMetadata());
      }
    }
    return env;
  }
}
