package dev.herald.dispatcher.consumer;

import io.nats.client.Message;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps JetStream from redelivering a message while this dispatcher still works on it: every third
 * of AckWait, each message in hand is marked in progress, which restarts its AckWait. A slow
 * provider call or a slow outcome write then cannot hand the delivery to a second dispatcher while
 * the first is alive; if the process dies, the marks stop and JetStream redelivers after one
 * AckWait.
 */
final class AckDeadlines implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckDeadlines.class);

  private final Set<Message> inHand = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("herald-ack-deadlines").daemon(true).factory());

  AckDeadlines(Duration ackWait) {
    long period = Math.max(100, ackWait.toMillis() / 3);
    timer.scheduleAtFixedRate(this::extend, period, period, TimeUnit.MILLISECONDS);
  }

  void hold(Message message) {
    inHand.add(message);
  }

  void release(Message message) {
    inHand.remove(message);
  }

  private void extend() {
    for (Message m : inHand) {
      try {
        m.inProgress();
      } catch (RuntimeException e) {
        LOG.debug("could not extend a message's ack deadline: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
