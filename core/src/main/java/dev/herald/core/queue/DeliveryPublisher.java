package dev.herald.core.queue;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Publishes deliveries asynchronously with at most {@code maxPublishInFlight} unacknowledged, each
 * with {@code Nats-Msg-Id} = delivery id so that the stream drops a republished duplicate.
 */
public final class DeliveryPublisher {
  private final JetStream jetStream;
  private final QueueConnection connection;
  private final Semaphore inFlight;

  public DeliveryPublisher(QueueConnection connection) {
    this.connection = connection;
    this.jetStream = connection.jetStream();
    this.inFlight = new Semaphore(connection.settings().maxPublishInFlight());
  }

  /** Blocks while too many publishes are unacknowledged; completes with the stream's ack. */
  public CompletableFuture<PublishAck> publish(DeliveryMessage message) {
    return publish(message, message.deliveryId().toString());
  }

  /**
   * Publishes under another message id: for a delivery whose first message the stream lost, a
   * republish under its own id could be dropped as a duplicate within the de-duplication window.
   */
  public CompletableFuture<PublishAck> publish(DeliveryMessage message, String messageId) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
    try {
      String subject =
          connection.settings().names().delivery(message.priority(), message.channel());
      PublishOptions options =
          PublishOptions.builder()
              .messageId(messageId)
              .expectedStream(connection.settings().names().stream())
              .build();
      Headers headers = new Headers().put("Content-Type", "application/json");
      return jetStream
          .publishAsync(subject, headers, Json.bytes(message), options)
          .whenComplete((ack, error) -> inFlight.release());
    } catch (RuntimeException e) {
      inFlight.release();
      return CompletableFuture.failedFuture(e);
    }
  }
}
