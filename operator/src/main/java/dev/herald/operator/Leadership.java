package dev.herald.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica leads, and what happens when it stops leading. java-operator-sdk starts the
 * reconcilers on becoming leader but never again after losing the Lease, so a replica that lost it
 * (an API server it could not reach for longer than the renew deadline) exits and is restarted by
 * its Deployment, a follower again. On a shutdown it releases the Lease and just stops
 * (java-operator-sdk's own exit on losing leadership would call System.exit from inside the
 * shutdown hook, which never returns).
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final AtomicBoolean leading;
  private final AtomicBoolean closing = new AtomicBoolean();

  Leadership(boolean alwaysLeading) {
    this.leading = new AtomicBoolean(alwaysLeading);
  }

  LeaderElectionConfiguration configuration(LeaderSettings settings) {
    LeaderElectionConfigurationBuilder b =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
            .withLeaseNamespace(settings.leaseNamespace())
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::started, this::stopped, this::newLeader));
    if (settings.identity() != null) {
      b.withIdentity(settings.identity());
    }
    return b.build();
  }

  boolean leading() {
    return leading.get();
  }

  void closing() {
    closing.set(true);
  }

  private void started() {
    leading.set(true);
    LOG.info("leading: this replica reconciles");
  }

  private void stopped() {
    leading.set(false);
    if (closing.get()) {
      LOG.info("stopped leading: shutting down");
      return;
    }
    LOG.error("lost the leader Lease: exiting so that the Deployment restarts this replica");
    Thread.ofPlatform().name("herald-leader-lost").start(() -> System.exit(1));
  }

  private void newLeader(String identity) {
    LOG.info("the leader is {}", identity);
  }
}
