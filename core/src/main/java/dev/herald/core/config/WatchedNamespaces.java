package dev.herald.core.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The namespaces (tenants) a Herald installation serves: every namespace when {@code names} is
 * empty, else only these, so that its RBAC can be Roles in these namespaces instead of
 * ClusterRoles. Herald's kinds and Secrets elsewhere are not watched, and API keys there are not
 * known.
 */
public record WatchedNamespaces(Set<String> names) {
  public static final String VARIABLE = "HERALD_WATCH_NAMESPACES";
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public static final WatchedNamespaces ALL = new WatchedNamespaces(Set.of());

  public WatchedNamespaces {
    for (String n : names) {
      if (!NAMESPACE.matcher(n).matches()) {
        throw new IllegalArgumentException(
            VARIABLE + " must list namespace names separated by commas, was \"" + n + "\"");
      }
    }
    names = Set.copyOf(new TreeSet<>(names));
  }

  public static WatchedNamespaces of(String... names) {
    return new WatchedNamespaces(Set.of(names));
  }

  /** Whether every namespace is served. */
  public boolean all() {
    return names.isEmpty();
  }

  /** Whether {@code namespace} is served. */
  public boolean includes(String namespace) {
    return all() || names.contains(namespace);
  }

  /** {@value #VARIABLE}: comma-separated names; unset or blank for every namespace. */
  public static WatchedNamespaces fromEnv(Map<String, String> env) {
    String value = new EnvironmentVariables(env).text(VARIABLE, "");
    Set<String> names = new TreeSet<>();
    Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .forEach(names::add);
    return new WatchedNamespaces(names);
  }
}
