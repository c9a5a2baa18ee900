package dev.herald.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.config.QueueSettings;
import dev.herald.testkit.nats.TestNats;
import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topology and publishing against the machine's NATS, under stream names of this class's own. */
class QueueTest {
  private static TestNats nats;
  private static QueueConnection connection;

  @BeforeAll
  static void connect() {
    nats = TestNats.create("queue");
    connection =
        QueueConnection.connect(QueueSettings.defaults(nats.url(), nats.names()), "queue-test");
    connection.ensureTopology();
  }

  @AfterAll
  static void close() {
    connection.close();
    nats.close();
  }

  @Test
  void topologyIsIdempotentAndHasOneConsumerPerLane() throws Exception {
    connection.ensureTopology();
    StreamInfo info = connection.management().getStreamInfo(nats.names().stream());
    assertThat(info.getConfiguration().getSubjects()).containsExactly(nats.names().allDeliveries());
    assertThat(connection.management().getConsumerNames(nats.names().stream()))
        .hasSize(Priority.values().length * Channel.values().length)
        .contains(nats.names().consumer(Priority.HIGH, Channel.EMAIL));
    assertThat(connection.management().getStreamInfo(nats.names().deadLetterStream())).isNotNull();
  }

  @Test
  void aMessageNakedManyTimesIsStillDelivered() throws Exception {
    // Every wait that is not a provider attempt is a nak; none may strand the message.
    DeliveryMessage m =
        new DeliveryMessage(
            UUID.randomUUID(),
            UUID.randomUUID(),
            Instant.now(),
            "t",
            Channel.SMS,
            null,
            "+14155552671",
            null,
            null,
            Priority.BULK,
            null);
    new DeliveryPublisher(connection).publish(m).get();
    ConsumerContext lane =
        connection
            .nats()
            .getConsumerContext(
                nats.names().stream(), nats.names().consumer(Priority.BULK, Channel.SMS));
    int naks = 120;
    for (int i = 1; i <= naks + 1; i++) {
      Message got = lane.next(Duration.ofSeconds(5));
      assertThat(got).as("delivery %d of the message", i).isNotNull();
      assertThat(got.metaData().deliveredCount()).isEqualTo(i);
      if (i <= naks) {
        got.nak();
      } else {
        got.ack();
      }
    }
  }

  @Test
  void republishingTheSameDeliveryIsDroppedAsDuplicate() throws Exception {
    DeliveryPublisher publisher = new DeliveryPublisher(connection);
    DeliveryMessage m =
        new DeliveryMessage(
            UUID.randomUUID(),
            UUID.randomUUID(),
            Instant.now(),
            "t",
            Channel.EMAIL,
            null,
            "a@x.io",
            null,
            null,
            Priority.NORMAL,
            null);
    PublishAck first = publisher.publish(m).get();
    PublishAck again = publisher.publish(m).get();

    assertThat(first.isDuplicate()).isFalse();
    assertThat(again.isDuplicate()).isTrue();
    assertThat(again.getSeqno()).isEqualTo(first.getSeqno());
    assertThat(
            connection
                .management()
                .getStreamInfo(nats.names().stream())
                .getStreamState()
                .getMsgCount())
        .isEqualTo(1);
  }
}
