package dev.herald.dispatcher.consumer;

import io.nats.client.Message;
import java.time.Duration;

/** What becomes of a delivery's message once it is handled: what JetStream is told. */
interface Acknowledgement {

  /** Done with: the delivery's row says what happens next. */
  void ack();

  /** Never to be delivered again: the delivery failed for good. */
  void term();

  /** Handed out again after {@code delay}. */
  void nakWithDelay(Duration delay);

  static Acknowledgement of(Message message) {
    return new Acknowledgement() {
      @Override
      public void ack() {
        message.ack();
      }

      @Override
      public void term() {
        message.term();
      }

      @Override
      public void nakWithDelay(Duration delay) {
        message.nakWithDelay(delay);
      }
    };
  }
}
