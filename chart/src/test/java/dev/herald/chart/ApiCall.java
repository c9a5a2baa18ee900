package dev.herald.chart;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing a process asked the API server for, in RBAC's terms: API group ("" for core), resource
 * (with its subresource, e.g. {@code notifications/status}), verb, and the namespace when the
 * request named one.
 */
record ApiCall(String group, String resource, String verb, String namespace)
    implements Comparable<ApiCall> {
  private static final Pattern CORE = Pattern.compile("^/api/v1/(.*)$");
  private static final Pattern GROUP = Pattern.compile("^/apis/([^/]+)/([^/]+)/(.*)$");

  /** The permission alone (group, resource, verb), without where. */
  ApiCall permission() {
    return new ApiCall(group, resource, verb, null);
  }

  /**
   * The call a request line stands for, or null for what RBAC grants every authenticated user
   * anyway: discovery ({@code /api}, {@code /apis/<group>/<version>}, {@code /version}).
   */
  static ApiCall of(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String group;
    String rest;
    Matcher core = CORE.matcher(path);
    Matcher named = GROUP.matcher(path);
    if (core.matches()) {
      group = "";
      rest = core.group(1);
    } else if (named.matches()) {
      group = named.group(1);
      rest = named.group(3);
    } else {
      return null; // /api, /apis, /apis/<group>/<version>, /version: discovery
    }
    String[] parts = rest.split("/");
    String namespace = null;
    int i = 0;
    if (parts.length >= 2 && parts[0].equals("namespaces")) {
      namespace = parts[1];
      i = 2;
      if (parts.length == 2) {
        return new ApiCall(group, "namespaces", verb(method, true, query), null);
      }
    }
    if (parts.length <= i || parts[i].isEmpty()) {
      return null;
    }
    String resource = parts[i];
    boolean named1 = parts.length > i + 1;
    if (parts.length > i + 2) {
      resource = resource + "/" + parts[i + 2];
    }
    return new ApiCall(group, resource, verb(method, named1, query), namespace);
  }

  private static String verb(String method, boolean named, String query) {
    return switch (method.toUpperCase(java.util.Locale.ROOT)) {
      case "GET" ->
          named ? "get" : (query.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "watch" : "list");
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Every (group, resource, verb) that a set of rules grants, one each. */
  static Set<ApiCall> granted(Collection<PolicyRule> rules) {
    Set<ApiCall> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String g : rule.getApiGroups()) {
        for (String r : rule.getResources()) {
          for (String v : rule.getVerbs()) {
            out.add(new ApiCall(g, r, v, null));
          }
        }
      }
    }
    return out;
  }

  /**
   * The calls that a recorded one implies on other paths of the same code: informers list and then
   * watch, so a list implies its watch; java-operator-sdk adds and removes finalizers with a patch
   * that, when it conflicts (409/422), reads the resource again and retries ({@code
   * ReconciliationDispatcher.conflictRetryingPatch}), so a patch of one of Herald's kinds (only
   * finalizers are patched on them; statuses are subresources) implies a get.
   */
  static Set<ApiCall> withImplied(Collection<ApiCall> calls) {
    Set<ApiCall> out = new TreeSet<>();
    for (ApiCall c : calls) {
      out.add(c);
      if (c.verb.equals("list")) {
        out.add(new ApiCall(c.group, c.resource, "watch", c.namespace));
      }
      if (c.verb.equals("patch") && c.group.equals("herald.dev") && !c.resource.contains("/")) {
        out.add(new ApiCall(c.group, c.resource, "get", c.namespace));
      }
    }
    return out;
  }

  static boolean hasWildcard(PolicyRule rule) {
    return List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs()).stream()
        .flatMap(List::stream)
        .anyMatch(s -> s.contains("*"));
  }

  @Override
  public int compareTo(ApiCall o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group)
        + " "
        + resource
        + " "
        + verb
        + (namespace == null ? "" : " in " + namespace);
  }
}
