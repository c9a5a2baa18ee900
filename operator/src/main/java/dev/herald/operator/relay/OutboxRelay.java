package dev.herald.operator.relay;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.queue.DeliveryPublisher;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryStore;
import dev.herald.operator.metrics.RelayMetrics;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes deliveries that are {@code pending} and due — written by an acceptance, or waiting in
 * Postgres after a throttle, a retry or a wait for a provider — marking them {@code queued} first
 * and recording their stream sequence after. It is the only publisher: a delivery is committed
 * before it is published, one whose publish failed is {@code pending} again, and one a crash left
 * {@code queued} without a sequence is published again by the sweeper. Each replica runs one;
 * {@code FOR UPDATE SKIP LOCKED} keeps them from publishing the same rows, and {@code Nats-Msg-Id}
 * absorbs what slips through.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
  private static final int RECORD_ATTEMPTS = 3;

  private final DeliveryStore store;
  private final DeliveryPublisher publisher;
  private final int batchSize;
  private final Duration interval;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;
  private Thread worker;
  private boolean failing;

  private final Runnable repairTopology;
  private final RelayMetrics metrics;

  /**
   * @param repairTopology asked after a failed pass: a broker whose store was wiped has forgotten
   *     the stream the relay publishes to
   */
  public OutboxRelay(
      DeliveryStore store,
      DeliveryPublisher publisher,
      int batchSize,
      Duration interval,
      Runnable repairTopology,
      RelayMetrics metrics) {
    this.repairTopology = repairTopology;
    this.metrics = metrics;
    this.store = store;
    this.publisher = publisher;
    this.batchSize = batchSize;
    this.interval = interval;
  }

  public synchronized void start() {
    running = true;
    worker = Thread.ofPlatform().name("herald-relay").daemon(true).start(this::loop);
  }

  /** Asks for a pass now, for example after new deliveries were committed. */
  public void wakeUp() {
    wake.release();
  }

  private void loop() {
    while (running) {
      int taken = 0;
      try {
        taken = pass();
        if (failing) {
          LOG.info("relay publishing again");
          failing = false;
        }
      } catch (RuntimeException e) {
        if (!failing) {
          LOG.warn("relay pass failed, deliveries stay pending and are retried: {}", e.toString());
          failing = true;
        }
        repairTopology.run();
      }
      if (taken < batchSize) {
        try {
          wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * One pass: takes up to one batch of due deliveries (committed {@code queued} before anything is
   * published), publishes them, records where the stream put each and sets those it refused back to
   * {@code pending}; returns how many the stream accepted.
   */
  public int runOnce() {
    return publish(store.jdbi().inTransaction(h -> store.take(h, batchSize)).publish());
  }

  /** As {@link #runOnce}, returning how many deliveries it took, deferred ones included. */
  private int pass() {
    DeliveryStore.Taking taking = store.jdbi().inTransaction(h -> store.take(h, batchSize));
    publish(taking.publish());
    return taking.taken();
  }

  private int publish(List<DeliveryStore.Due> due) {
    if (due.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(due.size());
    for (DeliveryStore.Due d : due) {
      acks.add(publisher.publish(d.message(), d.messageId()));
    }
    List<DeliveryStore.Queued> queued = new ArrayList<>(due.size());
    List<DeliveryStore.Due> failed = new ArrayList<>();
    long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
    RuntimeException firstError = null;
    for (int i = 0; i < due.size(); i++) {
      DeliveryStore.Due d = due.get(i);
      try {
        PublishAck ack =
            acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        DeliveryMessage m = d.message();
        queued.add(
            new DeliveryStore.Queued(
                new DeliveryKey(m.deliveryId(), m.createdAt()), d.publication(), ack.getSeqno()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.addAll(due.subList(i, due.size()));
        break;
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        failed.add(d);
        if (firstError == null) {
          firstError =
              new IllegalStateException(
                  "publish failed: " + (e.getCause() != null ? e.getCause() : e), e);
        }
      }
    }
    // Whatever was acknowledged is recorded even when some publishes failed; the rest are due
    // again.
    // Should Postgres be gone now, the rows stay queued without a sequence and the sweeper
    // publishes them again (under the same ids) once they are older than its threshold.
    metrics.published(queued.size());
    metrics.failed(failed.size());
    recordSequences(queued);
    store.unpublished(failed);
    if (queued.isEmpty() && firstError != null) {
      throw firstError;
    }
    return queued.size();
  }

  /** Tries a few times: a deadlock with a dispatcher's batch is rare and passes at once. */
  private void recordSequences(List<DeliveryStore.Queued> queued) {
    for (int attempt = 1; ; attempt++) {
      try {
        store.jdbi().useHandle(h -> store.recordSequences(h, queued));
        return;
      } catch (RuntimeException e) {
        if (attempt >= RECORD_ATTEMPTS) {
          throw e;
        }
        LOG.info(
            "recording {} stream sequences failed ({}), trying again", queued.size(), e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    if (worker != null) {
      worker.interrupt();
      try {
        worker.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
