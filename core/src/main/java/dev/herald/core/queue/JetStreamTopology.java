package dev.herald.core.queue;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.QueueNames;
import dev.herald.core.config.QueueSettings;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;

/**
 * The work stream (work-queue retention: a message lives until a dispatcher acknowledges it), the
 * dead-letter stream, and one durable pull consumer per priority × channel.
 */
final class JetStreamTopology {
  private static final int NOT_FOUND = 10059;

  private final JetStreamManagement jsm;
  private final QueueSettings settings;

  JetStreamTopology(JetStreamManagement jsm, QueueSettings settings) {
    this.jsm = jsm;
    this.settings = settings;
  }

  void ensure() throws IOException, JetStreamApiException {
    QueueNames names = settings.names();
    upsert(
        StreamConfiguration.builder()
            .name(names.stream())
            .subjects(names.allDeliveries())
            .storageType(StorageType.File)
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .discardPolicy(DiscardPolicy.New)
            .replicas(settings.replicas())
            .duplicateWindow(settings.duplicateWindow())
            .maxMsgSize(64 * 1024)
            .build());
    upsert(
        StreamConfiguration.builder()
            .name(names.deadLetterStream())
            .subjects(names.allDead())
            .storageType(StorageType.File)
            .retentionPolicy(RetentionPolicy.Limits)
            .replicas(settings.replicas())
            .maxAge(Duration.ofDays(14))
            .build());
    for (Priority priority : Priority.values()) {
      for (Channel channel : Channel.values()) {
        jsm.addOrUpdateConsumer(
            names.stream(),
            ConsumerConfiguration.builder()
                .durable(names.consumer(priority, channel))
                .filterSubject(names.delivery(priority, channel))
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(settings.ackWait())
                .maxDeliver(settings.maxDeliver())
                .maxAckPending(settings.maxAckPending())
                .build());
      }
    }
  }

  private void upsert(StreamConfiguration config) throws IOException, JetStreamApiException {
    try {
      jsm.getStreamInfo(config.getName());
      jsm.updateStream(config);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NOT_FOUND) {
        throw e;
      }
      jsm.addStream(config);
    }
  }
}
