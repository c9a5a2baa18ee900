package dev.herald.dispatcher.consumer;

import dev.herald.api.queue.QueueNames;
import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a delivery that failed for good is kept for an operator to inspect or requeue. */
@FunctionalInterface
interface DeadLetterStream {

  /** Keeps {@code message} (a delivery message as it came) with why it is dead; never throws. */
  void write(String channel, byte[] message, String reason);

  /** JetStream's dead-letter subjects ({@code <prefix>.dead.<channel>}). */
  static DeadLetterStream of(JetStream jetStream, QueueNames names) {
    Logger log = LoggerFactory.getLogger(DeadLetterStream.class);
    return (channel, message, reason) -> {
      try {
        Headers headers = new Headers().put("Herald-Dead-Reason", reason);
        jetStream.publish(names.subjectPrefix() + ".dead." + channel, headers, message);
      } catch (Exception e) {
        log.warn("could not write to the dead-letter stream: {}", e.toString());
      }
    };
  }
}
