package dev.herald.sandbox.kube;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Kubernetes API resource path, taken apart: {@code
 * /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]} or {@code
 * /apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]}.
 *
 * @param group the API group, empty for the core group
 * @param namespace the namespace, or {@code null} for a cluster-scoped or all-namespaces path
 * @param name the object's name, or {@code null} for the collection
 * @param subresource e.g. {@code status}, or {@code null}
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** Parses a path (without query string); empty when it names no resource (e.g. discovery). */
  static Optional<ApiPath> parse(String path) {
    List<String> segments =
        new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    String group;
    String version;
    List<String> rest;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      group = "";
      version = segments.get(1);
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      version = segments.get(2);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    boolean namespaced =
        rest.get(0).equals("namespaces")
            && rest.size() >= 3
            && !(rest.size() == 3 && NAMESPACE_SUBRESOURCES.contains(rest.get(2)));
    String namespace = null;
    if (namespaced) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : null;
    return Optional.of(new ApiPath(group, version, namespace, resource, name, subresource));
  }

  /** {@code group/version}, or {@code version} for the core group. */
  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code resource.group} as kubectl names it ({@code notifications.herald.dev}). */
  String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** The path of the object itself (without the subresource). */
  String objectPath() {
    StringBuilder b =
        new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
    if (namespace != null) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(resource);
    if (name != null) {
      b.append('/').append(name);
    }
    return b.toString();
  }
}
