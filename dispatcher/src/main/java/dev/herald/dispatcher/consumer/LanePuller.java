package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.QueueNames;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one channel's three lanes in strict priority: it asks {@code high} first and only asks
 * {@code normal} when {@code high} has nothing, and {@code bulk} when neither has. It never holds
 * more messages than it has free handler slots, so a backlog stays in the stream, not in memory.
 *
 * <p>{@code high} has slots of its own beside the shared ones, so that a one-time password never
 * waits for a bulk delivery to finish: while bulk holds every shared slot, the puller still looks
 * at {@code high} at least every {@link #FULL_WAIT}.
 */
public final class LanePuller implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(LanePuller.class);

  /**
   * Pauses between empty rounds grow from 5 ms to this, so an idle dispatcher costs little and a
   * message arriving at an idle lane waits at most this long.
   */
  static final Duration MAX_IDLE_PAUSE = Duration.ofMillis(100);

  /**
   * Longest a puller whose shared slots are all taken waits before it looks at {@code high} again.
   */
  static final Duration FULL_WAIT = Duration.ofMillis(10);

  /** {@code high}'s own slots, as a share of the shared ones. */
  static final int HIGH_SHARE = 4;

  /** How often an idle puller checks that its consumers still exist. */
  static final Duration LANE_CHECK = Duration.ofSeconds(5);

  private final Connection nats;
  private final QueueNames names;
  private final Channel channel;
  private final int fetchBatch;
  private final Semaphore slots;
  private final Semaphore highSlots;
  private final ExecutorService handlers;
  private final Consumer<Message> handler;
  private final Runnable repairTopology;
  private volatile boolean running = true;

  public LanePuller(
      Connection nats,
      QueueNames names,
      Channel channel,
      int fetchBatch,
      Semaphore slots,
      ExecutorService handlers,
      Consumer<Message> handler,
      Runnable repairTopology) {
    this.nats = nats;
    this.names = names;
    this.channel = channel;
    this.fetchBatch = fetchBatch;
    this.slots = slots;
    this.highSlots = new Semaphore(Math.max(1, slots.availablePermits() / HIGH_SHARE));
    this.handlers = handlers;
    this.handler = handler;
    this.repairTopology = repairTopology;
  }

  public void stop() {
    running = false;
  }

  /**
   * The lane consumers, waiting (and asking for the topology to be set up again) until they exist.
   */
  private Map<Priority, ConsumerContext> lanes() {
    Map<Priority, ConsumerContext> lanes = new EnumMap<>(Priority.class);
    while (running && lanes.size() < Priority.values().length) {
      try {
        for (Priority p : Priority.values()) {
          lanes.putIfAbsent(p, nats.getConsumerContext(names.stream(), names.consumer(p, channel)));
        }
      } catch (Exception e) {
        LOG.warn("{} lanes not available yet: {}", channel.wireName(), e.toString());
        repairTopology.run();
        pause(Duration.ofSeconds(1));
      }
    }
    return lanes;
  }

  @Override
  public void run() {
    Map<Priority, ConsumerContext> lanes = lanes();
    int idleRounds = 0;
    long checkedAt = System.nanoTime();
    while (running) {
      try {
        int highRoom = Math.min(fetchBatch, highSlots.availablePermits());
        int highGot = highRoom > 0 ? drain(lanes.get(Priority.HIGH), highRoom, highSlots) : 0;
        // high may hold more than its own slots took: it goes first for the shared ones too
        boolean highMayHaveMore = highRoom == 0 || highGot == highRoom;
        boolean got = highGot > 0;
        int room = Math.min(fetchBatch, slots.availablePermits());
        if (room == 0) {
          // Every shared slot is taken: wait for a few to free (fewer, larger pulls), or look at
          // high again.
          if (!got
              && slots.tryAcquire(
                  Math.max(1, fetchBatch / 4), FULL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release(Math.max(1, fetchBatch / 4));
          }
          idleRounds = 0;
          continue;
        }
        for (Priority p : Priority.values()) {
          if (p == Priority.HIGH && !highMayHaveMore) {
            continue;
          }
          if (drain(lanes.get(p), room, slots) > 0) {
            got = true;
            break;
          }
        }
        // JetStream's long poll (expiresIn) would watch one lane only; short pauses keep all
        // three in sight.
        if (got) {
          idleRounds = 0;
        } else if (running) {
          if (System.nanoTime() - checkedAt > LANE_CHECK.toNanos()) {
            // A fetch from a consumer the broker forgot (a wiped store) finds nothing and raises
            // nothing: an idle puller asks now and then whether its consumers still exist.
            checkedAt = System.nanoTime();
            for (ConsumerContext lane : lanes.values()) {
              lane.getConsumerInfo();
            }
          }
          pause(
              Duration.ofMillis(
                  Math.min(MAX_IDLE_PAUSE.toMillis(), 5L << Math.min(idleRounds++, 5))));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (running) {
          LOG.warn("pulling {} failed: {}", channel.wireName(), e.toString());
          pause(Duration.ofSeconds(1));
          // The broker may have forgotten its consumers (a wiped store): find or set them up again.
          lanes = lanes();
        }
      }
    }
  }

  private int drain(ConsumerContext lane, int room, Semaphore slots) throws Exception {
    int n = 0;
    try (FetchConsumer fetch =
        lane.fetch(FetchConsumeOptions.builder().maxMessages(room).noWait().build())) {
      Message message;
      while ((message = fetch.nextMessage()) != null) {
        slots.acquire();
        Message m = message;
        handlers.execute(
            () -> {
              try {
                handler.accept(m);
              } catch (RuntimeException e) {
                LOG.error(
                    "handling a {} delivery failed; it will be redelivered", channel.wireName(), e);
              } finally {
                slots.release();
              }
            });
        n++;
      }
    }
    return n;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
