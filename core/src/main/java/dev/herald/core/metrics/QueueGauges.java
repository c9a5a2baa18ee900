package dev.herald.core.metrics;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.QueueNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * JetStream as the queue monitoring sees it, per lane (priority × channel): messages waiting for a
 * dispatcher ({@code num_pending}), handed out but not acknowledged ({@code num_ack_pending}), the
 * consumer's delivered sequence (standing still while messages wait means no dispatcher consumes),
 * and the dead-letter stream's messages per channel. Each sample asks the server once per lane and
 * once for the dead-letter stream.
 */
public final class QueueGauges implements Runnable {
  private record Lane(Priority priority, Channel channel) {}

  private record LaneValues(AtomicLong pending, AtomicLong ackPending, AtomicLong delivered) {}

  private final Supplier<JetStreamManagement> jsm;
  private final QueueNames names;
  private final Map<Lane, LaneValues> lanes = new java.util.LinkedHashMap<>();
  private final Map<Channel, AtomicLong> deadLetters = new EnumMap<>(Channel.class);

  public QueueGauges(MeterRegistry registry, Supplier<JetStreamManagement> jsm, QueueNames names) {
    this.jsm = jsm;
    this.names = names;
    for (Priority p : Priority.values()) {
      for (Channel c : Channel.values()) {
        LaneValues v = new LaneValues(new AtomicLong(), new AtomicLong(), new AtomicLong());
        lanes.put(new Lane(p, c), v);
        Tags tags = Tags.of("priority", p.wireName(), "channel", c.wireName());
        Gauge.builder("herald.queue.pending", v.pending(), AtomicLong::get)
            .description("Messages of a lane no dispatcher has taken yet (consumer num_pending)")
            .baseUnit("messages")
            .tags(tags)
            .register(registry);
        Gauge.builder("herald.queue.ack.pending", v.ackPending(), AtomicLong::get)
            .description("Messages of a lane handed to a dispatcher and not yet acknowledged")
            .baseUnit("messages")
            .tags(tags)
            .register(registry);
        Gauge.builder("herald.queue.delivered.sequence", v.delivered(), AtomicLong::get)
            .description(
                "The lane consumer's delivered sequence: rises while dispatchers take messages")
            .tags(tags)
            .register(registry);
      }
    }
    for (Channel c : Channel.values()) {
      AtomicLong depth = new AtomicLong();
      deadLetters.put(c, depth);
      Gauge.builder("herald.dead.letters", depth, AtomicLong::get)
          .description("Messages in the dead-letter stream (kept 14 days)")
          .baseUnit("messages")
          .tag("channel", c.wireName())
          .register(registry);
    }
  }

  @Override
  public void run() {
    JetStreamManagement management = jsm.get();
    try {
      for (Map.Entry<Lane, LaneValues> e : lanes.entrySet()) {
        ConsumerInfo info =
            management.getConsumerInfo(
                names.stream(), names.consumer(e.getKey().priority(), e.getKey().channel()));
        e.getValue().pending().set(info.getNumPending());
        e.getValue().ackPending().set(info.getNumAckPending());
        e.getValue().delivered().set(info.getDelivered().getConsumerSequence());
      }
      StreamInfo dead =
          management.getStreamInfo(
              names.deadLetterStream(), StreamInfoOptions.filterSubjects(names.allDead()));
      Map<Channel, Long> counts = new EnumMap<>(Channel.class);
      if (dead.getStreamState().getSubjects() != null) {
        for (Subject s : dead.getStreamState().getSubjects()) {
          Channel c = Channel.fromWire(s.getName().substring(s.getName().lastIndexOf('.') + 1));
          if (c != null) {
            counts.merge(c, s.getCount(), Long::sum);
          }
        }
      }
      deadLetters.forEach((c, depth) -> depth.set(counts.getOrDefault(c, 0L)));
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("JetStream did not answer: " + e.getMessage(), e);
    }
  }
}
