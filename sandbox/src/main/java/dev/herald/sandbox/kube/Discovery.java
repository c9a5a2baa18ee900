package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The legacy (non-aggregated) discovery documents kubectl and client libraries read before anything
 * else: {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>} and {@code
 * /apis/<group>/<version>}. Built-in groups come from a fixed list of the resources a sandbox may
 * touch (the mock stores any kind); custom resources from the CRDs stored in the mock, with their
 * short names, categories and subresources, so that {@code kubectl get notif}, {@code kubectl get
 * herald} and {@code kubectl api-resources} work.
 */
final class Discovery {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  private record Builtin(
      String name,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> subresources) {}

  /** Built-in group/version → its resources. */
  private static final Map<String, List<Builtin>> BUILTIN = new LinkedHashMap<>();

  static {
    List<String> all = List.of("all");
    BUILTIN.put(
        "v1",
        List.of(
            ns("configmaps", "ConfigMap", "cm"),
            ns("endpoints", "Endpoints", "ep"),
            ns("events", "Event", "ev"),
            ns("limitranges", "LimitRange", "limits"),
            new Builtin(
                "namespaces",
                "Namespace",
                false,
                List.of("ns"),
                List.of(),
                List.of("status", "finalize")),
            new Builtin("nodes", "Node", false, List.of("no"), List.of(), List.of("status")),
            new Builtin(
                "persistentvolumeclaims",
                "PersistentVolumeClaim",
                true,
                List.of("pvc"),
                List.of(),
                List.of("status")),
            new Builtin(
                "persistentvolumes",
                "PersistentVolume",
                false,
                List.of("pv"),
                List.of(),
                List.of("status")),
            new Builtin("pods", "Pod", true, List.of("po"), all, List.of("status", "log")),
            ns("podtemplates", "PodTemplate"),
            new Builtin(
                "replicationcontrollers",
                "ReplicationController",
                true,
                List.of("rc"),
                all,
                List.of("status", "scale")),
            ns("resourcequotas", "ResourceQuota", "quota"),
            ns("secrets", "Secret"),
            ns("serviceaccounts", "ServiceAccount", "sa"),
            new Builtin("services", "Service", true, List.of("svc"), all, List.of("status"))));
    BUILTIN.put(
        "apiextensions.k8s.io/v1",
        List.of(
            new Builtin(
                "customresourcedefinitions",
                "CustomResourceDefinition",
                false,
                List.of("crd", "crds"),
                List.of("api-extensions"),
                List.of("status"))));
    BUILTIN.put(
        "apps/v1",
        List.of(
            ns("controllerrevisions", "ControllerRevision"),
            new Builtin("daemonsets", "DaemonSet", true, List.of("ds"), all, List.of("status")),
            new Builtin(
                "deployments",
                "Deployment",
                true,
                List.of("deploy"),
                all,
                List.of("status", "scale")),
            new Builtin(
                "replicasets", "ReplicaSet", true, List.of("rs"), all, List.of("status", "scale")),
            new Builtin(
                "statefulsets",
                "StatefulSet",
                true,
                List.of("sts"),
                all,
                List.of("status", "scale"))));
    BUILTIN.put(
        "autoscaling/v2",
        List.of(
            new Builtin(
                "horizontalpodautoscalers",
                "HorizontalPodAutoscaler",
                true,
                List.of("hpa"),
                all,
                List.of("status"))));
    BUILTIN.put(
        "batch/v1",
        List.of(
            new Builtin("cronjobs", "CronJob", true, List.of("cj"), all, List.of("status")),
            new Builtin("jobs", "Job", true, List.of(), all, List.of("status"))));
    BUILTIN.put("coordination.k8s.io/v1", List.of(ns("leases", "Lease")));
    BUILTIN.put("events.k8s.io/v1", List.of(ns("events", "Event", "ev")));
    BUILTIN.put(
        "networking.k8s.io/v1",
        List.of(
            new Builtin("ingresses", "Ingress", true, List.of("ing"), List.of(), List.of("status")),
            ns("networkpolicies", "NetworkPolicy", "netpol")));
    BUILTIN.put(
        "policy/v1",
        List.of(
            new Builtin(
                "poddisruptionbudgets",
                "PodDisruptionBudget",
                true,
                List.of("pdb"),
                List.of(),
                List.of("status"))));
    BUILTIN.put(
        "rbac.authorization.k8s.io/v1",
        List.of(
            new Builtin(
                "clusterrolebindings",
                "ClusterRoleBinding",
                false,
                List.of(),
                List.of(),
                List.of()),
            new Builtin("clusterroles", "ClusterRole", false, List.of(), List.of(), List.of()),
            ns("rolebindings", "RoleBinding"),
            ns("roles", "Role")));
  }

  private final String serverAddress;

  Discovery(String serverAddress) {
    this.serverAddress = serverAddress;
  }

  /** {@code /api}. */
  ObjectNode coreVersions() {
    ObjectNode n = NODES.objectNode();
    n.put("kind", "APIVersions");
    n.putArray("versions").add("v1");
    n.set("serverAddressByClientCIDRs", serverAddresses());
    return n;
  }

  /** {@code /apis}. */
  ObjectNode groups(List<CrdInfo> crds) {
    ObjectNode n = NODES.objectNode();
    n.put("kind", "APIGroupList");
    n.put("apiVersion", "v1");
    ArrayNode groups = n.putArray("groups");
    for (String group : groupNames(crds)) {
      group(group, crds).ifPresent(groups::add);
    }
    return n;
  }

  /** {@code /apis/<group>}. */
  Optional<ObjectNode> group(String group, List<CrdInfo> crds) {
    List<String> versions = versions(group, crds);
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode n = NODES.objectNode();
    n.put("kind", "APIGroup");
    n.put("apiVersion", "v1");
    n.put("name", group);
    ArrayNode vs = n.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", group + "/" + v).put("version", v);
    }
    n.putObject("preferredVersion")
        .put("groupVersion", group + "/" + versions.get(0))
        .put("version", versions.get(0));
    n.set("serverAddressByClientCIDRs", serverAddresses());
    return Optional.of(n);
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>} ({@code group} empty for the core). */
  Optional<ObjectNode> resources(String group, String version, List<CrdInfo> crds) {
    String groupVersion = group.isEmpty() ? version : group + "/" + version;
    ObjectNode n = NODES.objectNode();
    n.put("kind", "APIResourceList");
    n.put("apiVersion", "v1");
    n.put("groupVersion", groupVersion);
    ArrayNode resources = n.putArray("resources");
    boolean known = false;
    List<Builtin> builtins = BUILTIN.get(groupVersion);
    if (builtins != null) {
      known = true;
      for (Builtin b : builtins) {
        resources.add(
            resource(
                b.name(),
                singular(b.kind()),
                b.namespaced(),
                b.kind(),
                VERBS,
                b.shortNames(),
                b.categories()));
        for (String sub : b.subresources()) {
          resources.add(
              resource(
                  b.name() + "/" + sub,
                  "",
                  b.namespaced(),
                  b.kind(),
                  sub.equals("log") ? List.of("get") : SUBRESOURCE_VERBS,
                  List.of(),
                  List.of()));
        }
      }
    }
    for (CrdInfo crd : crds) {
      if (!crd.group().equals(group)) {
        continue;
      }
      Optional<CrdInfo.Version> v = crd.version(version);
      if (v.isEmpty()) {
        continue;
      }
      known = true;
      resources.add(
          resource(
              crd.plural(),
              crd.singular(),
              crd.namespaced(),
              crd.kind(),
              VERBS,
              crd.shortNames(),
              crd.categories()));
      if (v.get().status()) {
        resources.add(
            resource(
                crd.plural() + "/status",
                "",
                crd.namespaced(),
                crd.kind(),
                SUBRESOURCE_VERBS,
                List.of(),
                List.of()));
      }
      if (v.get().scale()) {
        ObjectNode scale =
            resource(
                crd.plural() + "/scale",
                "",
                crd.namespaced(),
                "Scale",
                SUBRESOURCE_VERBS,
                List.of(),
                List.of());
        scale.put("group", "autoscaling").put("version", "v1");
        resources.add(scale);
      }
    }
    return known ? Optional.of(n) : Optional.empty();
  }

  /** The kind of {@code resource} in {@code group}/{@code version}, if served. */
  Optional<String> kind(String group, String version, String resource, List<CrdInfo> crds) {
    String groupVersion = group.isEmpty() ? version : group + "/" + version;
    Optional<String> builtin =
        BUILTIN.getOrDefault(groupVersion, List.of()).stream()
            .filter(b -> b.name().equals(resource))
            .map(Builtin::kind)
            .findFirst();
    if (builtin.isPresent()) {
      return builtin;
    }
    return crds.stream()
        .filter(
            c ->
                c.group().equals(group)
                    && c.plural().equals(resource)
                    && c.version(version).isPresent())
        .map(CrdInfo::kind)
        .findFirst();
  }

  private static ObjectNode resource(
      String name,
      String singular,
      boolean namespaced,
      String kind,
      List<String> verbs,
      List<String> shortNames,
      List<String> categories) {
    ObjectNode r = NODES.objectNode();
    r.put("name", name);
    r.put("singularName", singular);
    r.put("namespaced", namespaced);
    r.put("kind", kind);
    ArrayNode v = r.putArray("verbs");
    verbs.forEach(v::add);
    if (!shortNames.isEmpty()) {
      ArrayNode s = r.putArray("shortNames");
      shortNames.forEach(s::add);
    }
    if (!categories.isEmpty()) {
      ArrayNode c = r.putArray("categories");
      categories.forEach(c::add);
    }
    return r;
  }

  private ArrayNode serverAddresses() {
    ArrayNode a = NODES.arrayNode();
    a.addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return a;
  }

  private static List<String> groupNames(List<CrdInfo> crds) {
    List<String> names = new ArrayList<>();
    for (String gv : BUILTIN.keySet()) {
      int slash = gv.indexOf('/');
      if (slash > 0 && !names.contains(gv.substring(0, slash))) {
        names.add(gv.substring(0, slash));
      }
    }
    new TreeSet<>(crds.stream().map(CrdInfo::group).toList())
        .forEach(
            g -> {
              if (!names.contains(g)) {
                names.add(g);
              }
            });
    return names;
  }

  /** The versions of a group, preferred first (Kubernetes' version priority). */
  private static List<String> versions(String group, List<CrdInfo> crds) {
    TreeSet<String> versions = new TreeSet<>(VERSION_PRIORITY);
    for (String gv : BUILTIN.keySet()) {
      if (gv.startsWith(group + "/")) {
        versions.add(gv.substring(group.length() + 1));
      }
    }
    for (CrdInfo crd : crds) {
      if (crd.group().equals(group)) {
        crd.versions().stream()
            .filter(CrdInfo.Version::served)
            .forEach(v -> versions.add(v.name()));
      }
    }
    return new ArrayList<>(versions);
  }

  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** v2 &gt; v1 &gt; v1beta2 &gt; v1beta1 &gt; v1alpha1 &gt; anything else (alphabetical). */
  static final Comparator<String> VERSION_PRIORITY =
      (a, b) -> {
        long[] ka = versionKey(a);
        long[] kb = versionKey(b);
        for (int i = 0; i < ka.length; i++) {
          if (ka[i] != kb[i]) {
            return Long.compare(kb[i], ka[i]);
          }
        }
        return a.compareTo(b);
      };

  private static long[] versionKey(String v) {
    Matcher m = KUBE_VERSION.matcher(v);
    if (!m.matches()) {
      return new long[] {0, 0, 0};
    }
    long stability = m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
    long minor = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
    return new long[] {stability, Long.parseLong(m.group(1)), minor};
  }

  private static String singular(String kind) {
    return kind.toLowerCase(Locale.ROOT);
  }

  private static Builtin ns(String name, String kind, String... shortNames) {
    return new Builtin(name, kind, true, List.of(shortNames), List.of(), List.of());
  }
}
