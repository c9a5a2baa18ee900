package dev.herald.operator.relay;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.queue.DeliveryPublisher;
import dev.herald.core.store.DeliveryStore;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds deliveries that Postgres says are in the stream ({@code queued}, or {@code sending} by a
 * dispatcher) but whose message the stream no longer holds — JetStream can lose acknowledged
 * messages after a crash, and a wiped store loses all of them — and publishes them again. Postgres,
 * not NATS, decides what is owed; a message that turns out to exist twice is absorbed by the
 * dispatchers' claim.
 *
 * <p>A message is in the stream only if the one at the recorded sequence is this delivery's: after
 * a store is wiped, sequences start again and another message may sit at the same number. A pass
 * works through every stranded delivery in batches, publishing each batch asynchronously, so it
 * recovers at the relay's pace rather than a row at a time.
 */
public final class StrandedDeliverySweeper {
  private static final Logger LOG = LoggerFactory.getLogger(StrandedDeliverySweeper.class);

  /** JetStream's "no message found". */
  private static final int NO_MESSAGE = 10037;

  /** JetStream's error code for a stream that does not exist. */
  static final int STREAM_NOT_FOUND = 10059;

  private static final int BATCH = 1000;

  private final DeliveryStore store;
  private final DeliveryPublisher publisher;
  private final JetStreamManagement jsm;
  private final String stream;
  private final Runnable repairTopology;

  /**
   * {@code repairTopology} sets the stream and its consumers up again when the broker forgot them.
   */
  public StrandedDeliverySweeper(
      DeliveryStore store,
      DeliveryPublisher publisher,
      JetStreamManagement jsm,
      String stream,
      Runnable repairTopology) {
    this.store = store;
    this.publisher = publisher;
    this.jsm = jsm;
    this.stream = stream;
    this.repairTopology = repairTopology;
  }

  /**
   * Checks deliveries unchanged for longer than {@code olderThan} (a backlog is normal; only the
   * absence of their message is not) and republishes those the stream lost; returns how many.
   */
  public int runOnce(Duration olderThan) {
    int republished = 0;
    DeliveryStore.Stranded after = null;
    while (true) {
      List<DeliveryStore.Stranded> batch = store.stranded(olderThan, after, BATCH);
      if (batch.isEmpty()) {
        break;
      }
      after = batch.get(batch.size() - 1);
      List<DeliveryStore.Stranded> lost = new ArrayList<>();
      try {
        for (DeliveryStore.Stranded s : batch) {
          if (!inStream(s)) {
            lost.add(s);
          }
        }
      } catch (IOException | JetStreamApiException e) {
        LOG.warn("checking stranded deliveries against the stream failed: {}", e.toString());
        break;
      }
      republished += republish(lost);
      if (batch.size() < BATCH) {
        break;
      }
    }
    if (republished > 0) {
      LOG.warn("republished {} deliveries whose messages the stream no longer held", republished);
    }
    return republished;
  }

  private int republish(List<DeliveryStore.Stranded> lost) {
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(lost.size());
    for (DeliveryStore.Stranded s : lost) {
      // Another message id: the stream may still remember the first one and drop a republish. One
      // whose publication was never recorded is republished under the relay's own id: a stream that
      // still holds it drops the copy and answers with where the first one is.
      acks.add(
          publisher.publish(
              s.message(),
              s.streamSequence() == null
                  ? new DeliveryStore.Due(s.message(), s.publications()).messageId()
                  : s.message().deliveryId() + "/" + s.streamSequence()));
    }
    int done = 0;
    for (int i = 0; i < lost.size(); i++) {
      DeliveryStore.Stranded s = lost.get(i);
      try {
        PublishAck ack = acks.get(i).get(30, TimeUnit.SECONDS);
        if (store.requeue(s, ack.getSeqno())) {
          done++;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        LOG.warn("republishing delivery {} failed: {}", s.message().deliveryId(), e.toString());
      }
    }
    return done;
  }

  /**
   * Whether the message at the delivery's recorded sequence is this delivery's; one with none
   * recorded is published again (which finds it, when the stream still remembers its id).
   */
  private boolean inStream(DeliveryStore.Stranded s) throws IOException, JetStreamApiException {
    if (s.streamSequence() == null) {
      return false;
    }
    MessageInfo info;
    try {
      info = jsm.getMessage(stream, s.streamSequence());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return false;
      }
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        // A wiped store: nothing of the stream is left, and nobody may be publishing to set it
        // up again (every delivery is queued already).
        repairTopology.run();
        return false;
      }
      throw e;
    }
    try {
      return s.message()
          .deliveryId()
          .equals(Json.read(info.getData(), DeliveryMessage.class).deliveryId());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
