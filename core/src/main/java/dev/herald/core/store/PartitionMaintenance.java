package dev.herald.core.store;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps daily delivery partitions created ahead and drops those past retention. */
public final class PartitionMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);

  private final Jdbi jdbi;
  private final int daysAhead;
  private final int retentionDays;

  public PartitionMaintenance(Jdbi jdbi, int daysAhead, int retentionDays) {
    this.jdbi = jdbi;
    this.daysAhead = daysAhead;
    this.retentionDays = retentionDays;
  }

  public void run() {
    int created = jdbi.withHandle(h -> h.createQuery("select herald_ensure_delivery_partitions(:days)")
        .bind("days", daysAhead).mapTo(Integer.class).one());
    int dropped = jdbi.withHandle(h -> h.createQuery("select herald_drop_expired_partitions(:days)")
        .bind("days", retentionDays).mapTo(Integer.class).one());
    if (created > 0 || dropped > 0) {
      LOG.info("delivery partitions: {} created, {} dropped (retention {} days)", created, dropped,
          retentionDays);
    }
  }
}
