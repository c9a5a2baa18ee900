package dev.herald.sandbox.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The broker's own ceiling, with no Herald code: messages of a Herald delivery's size published
 * asynchronously with message ids (at most 5,000 unacknowledged) into a work-queue stream on file
 * storage, while a durable pull consumer fetches them in batches of 1,000 and acknowledges each.
 * The round trip is the messages over the time from the first publish to the last acknowledgement.
 */
final class RawJetStream {
  private static final String STREAM = "BENCH_RAW";
  private static final String SUBJECT = "bench.raw.delivery";
  private static final int MAX_PUBLISHES_IN_FLIGHT = 5_000;

  private RawJetStream() {}

  /**
   * Messages per second through publish, pull and ack; {@code progress} gets the messages acked so
   * far.
   */
  static double roundTripPerSecond(String natsUrl, int messages, LongConsumer progress)
      throws Exception {
    try (Connection nc = Nats.connect(new Options.Builder().server(natsUrl).build())) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      jsm.addStream(
          StreamConfiguration.builder()
              .name(STREAM)
              .subjects(SUBJECT)
              .retentionPolicy(RetentionPolicy.WorkQueue)
              .storageType(StorageType.File)
              .replicas(1)
              .build());
      jsm.addOrUpdateConsumer(
          STREAM,
          ConsumerConfiguration.builder()
              .durable("raw")
              .filterSubject(SUBJECT)
              .ackPolicy(AckPolicy.Explicit)
              .maxAckPending(20_000)
              .ackWait(Duration.ofSeconds(30))
              .build());
      JetStream js = nc.jetStream();
      JetStreamSubscription sub = js.subscribe(SUBJECT, PullSubscribeOptions.bind(STREAM, "raw"));
      AtomicLong acked = new AtomicLong();
      Instant started = Instant.now();
      Thread consumer =
          Thread.ofPlatform()
              .name("raw-jetstream-consumer")
              .start(
                  () -> {
                    while (acked.get() < messages) {
                      List<Message> batch = sub.fetch(1_000, Duration.ofSeconds(1));
                      for (Message m : batch) {
                        m.ack();
                      }
                      progress.accept(acked.addAndGet(batch.size()));
                    }
                  });
      Semaphore inFlight = new Semaphore(MAX_PUBLISHES_IN_FLIGHT);
      for (int i = 0; i < messages; i++) {
        inFlight.acquire();
        String id = UUID.randomUUID().toString();
        js.publishAsync(SUBJECT, message(id, i), PublishOptions.builder().messageId(id).build())
            .whenComplete((ack, error) -> inFlight.release());
      }
      consumer.join(TimeUnit.MINUTES.toMillis(5));
      nc.flush(Duration.ofSeconds(10));
      double seconds = Duration.between(started, Instant.now()).toNanos() / 1e9;
      jsm.deleteStream(STREAM);
      return acked.get() / seconds;
    }
  }

  /** A message shaped like Herald's DeliveryMessage JSON (≈300 bytes). */
  static byte[] message(String deliveryId, int i) {
    return ("{\"deliveryId\":\""
            + deliveryId
            + "\",\"notificationId\":\"0196f5c2-9a7e-7000-8000-00000000"
            + String.format("%04d", i % 10_000)
            + "\",\"createdAt\":\"2026-12-02T10:15:30.123456Z\",\"tenant\":\"bench-tenant\","
            + "\"channel\":\"email\",\"address\":\"recipient-"
            + i
            + "@customers.bench.example\",\"userId\":\"user-"
            + i
            + "\",\"locale\":\"en-US\",\"priority\":\"bulk\",\"expiresAt\":\"2026-12-03T10:15:30.123456Z\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
