package dev.herald.operator.relay;

import dev.herald.core.queue.DeliveryPublisher;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryStore;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds deliveries that Postgres says are in the stream ({@code queued}, or {@code sending} by a
 * dispatcher) but whose message the stream no longer holds — JetStream can lose acknowledged
 * messages after a crash — and publishes them again. Postgres, not NATS, decides what is owed;
 * a message that turns out to exist twice is absorbed by the dispatchers' claim.
 */
public final class StrandedDeliverySweeper {
  private static final Logger LOG = LoggerFactory.getLogger(StrandedDeliverySweeper.class);
  /** JetStream's "no message found". */
  private static final int NO_MESSAGE = 10037;
  private static final int BATCH = 500;

  private final DeliveryStore store;
  private final DeliveryPublisher publisher;
  private final JetStreamManagement jsm;
  private final String stream;

  public StrandedDeliverySweeper(DeliveryStore store, DeliveryPublisher publisher, JetStreamManagement jsm,
      String stream) {
    this.store = store;
    this.publisher = publisher;
    this.jsm = jsm;
    this.stream = stream;
  }

  /**
   * Checks deliveries unchanged for longer than {@code olderThan} (a backlog is normal; only the
   * absence of their message is not) and republishes those the stream lost; returns how many.
   */
  public int runOnce(Duration olderThan) {
    int republished = 0;
    for (DeliveryStore.Stranded s : store.stranded(olderThan, BATCH)) {
      try {
        if (inStream(s.streamSequence())) {
          continue;
        }
        // Another message id: the stream may still remember the first one and drop a republish.
        PublishAck ack = publisher.publish(s.message(), s.message().deliveryId() + "/" + s.streamSequence())
            .get(30, TimeUnit.SECONDS);
        store.requeue(new DeliveryKey(s.message().deliveryId(), s.message().createdAt()), s.streamSequence(),
            ack.getSeqno());
        republished++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        LOG.warn("checking delivery {} against the stream failed: {}", s.message().deliveryId(), e.toString());
        break;
      }
    }
    if (republished > 0) {
      LOG.warn("republished {} deliveries whose messages the stream no longer held", republished);
    }
    return republished;
  }

  private boolean inStream(long sequence) throws IOException, JetStreamApiException {
    try {
      jsm.getMessage(stream, sequence);
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return false;
      }
      throw e;
    }
  }
}
