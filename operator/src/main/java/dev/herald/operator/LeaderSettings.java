package dev.herald.operator;

import dev.herald.core.config.EnvironmentVariables;
import java.time.Duration;
import java.util.Map;

/**
 * Leader election of the operator's replicas on a Lease: every replica serves the HTTP API, runs
 * the relay and writes campaign pages (each safe side by side, through Postgres row locks); only
 * the leader reconciles.
 *
 * @param enabled off for a single process (the sandbox, tests); on in a cluster
 * @param leaseName the Lease's name ({@code HERALD_LEADER_LEASE}, default {@value #DEFAULT_LEASE})
 * @param leaseNamespace the Lease's namespace ({@code POD_NAMESPACE}: the operator's own)
 * @param identity this replica ({@code POD_NAME})
 */
public record LeaderSettings(
    boolean enabled,
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {
  public static final String DEFAULT_LEASE = "herald-operator";

  /** One process, no election: it reconciles. */
  public static LeaderSettings none() {
    return new LeaderSettings(
        false,
        DEFAULT_LEASE,
        null,
        null,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  /**
   * {@code HERALD_LEADER_ELECTION} ({@code true} / {@code false}; default true when {@code
   * POD_NAMESPACE} is set, as in the chart), {@code HERALD_LEADER_LEASE}, {@code POD_NAMESPACE},
   * {@code POD_NAME}, {@code HERALD_LEADER_LEASE_SECONDS} (15), {@code HERALD_LEADER_RENEW_SECONDS}
   * (10), {@code HERALD_LEADER_RETRY_SECONDS} (2).
   */
  public static LeaderSettings fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    String namespace = vars.text("POD_NAMESPACE", null);
    String flag = vars.text("HERALD_LEADER_ELECTION", namespace == null ? "false" : "true");
    if (!flag.equals("true") && !flag.equals("false")) {
      throw new IllegalArgumentException(
          "HERALD_LEADER_ELECTION must be true or false, was " + flag);
    }
    boolean enabled = flag.equals("true");
    if (enabled && namespace == null) {
      throw new IllegalArgumentException(
          "HERALD_LEADER_ELECTION is true but POD_NAMESPACE is not set: the Lease lives in the"
              + " operator's namespace (the chart sets it from the downward API)");
    }
    Duration lease = vars.seconds("HERALD_LEADER_LEASE_SECONDS", Duration.ofSeconds(15), 2, 600);
    Duration renew = vars.seconds("HERALD_LEADER_RENEW_SECONDS", Duration.ofSeconds(10), 1, 599);
    Duration retry = vars.seconds("HERALD_LEADER_RETRY_SECONDS", Duration.ofSeconds(2), 1, 60);
    if (renew.compareTo(lease) >= 0) {
      throw new IllegalArgumentException(
          "HERALD_LEADER_RENEW_SECONDS must be less than HERALD_LEADER_LEASE_SECONDS");
    }
    // fabric8's elector retries with up to 1.2 × jitter and wants two tries within the deadline
    if (renew.toMillis() * 10 <= retry.toMillis() * 22) {
      throw new IllegalArgumentException(
          "HERALD_LEADER_RENEW_SECONDS must be more than 2.2 × HERALD_LEADER_RETRY_SECONDS");
    }
    return new LeaderSettings(
        enabled,
        vars.text("HERALD_LEADER_LEASE", DEFAULT_LEASE),
        namespace,
        vars.text("POD_NAME", null),
        lease,
        renew,
        retry);
  }
}
