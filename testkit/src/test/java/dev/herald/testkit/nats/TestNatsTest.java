package dev.herald.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.QueueNames;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TestNatsTest {

  @Test
  void namesAreUniqueAndWellFormed() {
    QueueNames names = TestNats.newNames("dispatcher.Retry-IT");
    assertThat(names.stream()).matches("T_DISPATCHER_RETRY_IT_[A-Z0-9]{10}");
    assertThat(names.deadLetterStream()).isEqualTo(names.stream() + "_DEAD");
    String random = names.stream().substring(names.stream().lastIndexOf('_') + 1);
    assertThat(names.subjectPrefix()).isEqualTo("t" + random.toLowerCase()).doesNotContain(".");
    assertThat(TestNats.newNames(null).stream()).matches("T_TEST_[A-Z0-9]{10}");
    assertThat(TestNats.newNames("x".repeat(100)).stream()).hasSizeLessThanOrEqualTo(40);
    assertThat(TestNats.newNames("a")).isNotEqualTo(TestNats.newNames("a"));
  }

  @Test
  void closeRemovesTheStreamsMadeUnderItsNames() throws Exception {
    TestNats nats = TestNats.create("Cleanup");
    QueueNames names = nats.names();
    assertThat(nats.url()).startsWith("nats://");
    assertThat(names.stream()).startsWith("T_CLEANUP_");

    try (Connection nc = nats.connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      jsm.addStream(
          StreamConfiguration.builder()
              .name(names.stream())
              .subjects(names.allDeliveries())
              .storageType(StorageType.Memory)
              .build());
      jsm.addStream(
          StreamConfiguration.builder()
              .name(names.deadLetterStream())
              .subjects(names.allDead())
              .storageType(StorageType.Memory)
              .build());
      String lane = names.consumer(Priority.HIGH, Channel.EMAIL);
      jsm.addOrUpdateConsumer(
          names.stream(),
          ConsumerConfiguration.builder()
              .durable(lane)
              .filterSubject(names.delivery(Priority.HIGH, Channel.EMAIL))
              .build());
      nc.jetStream()
          .publish(
              names.delivery(Priority.HIGH, Channel.EMAIL),
              "hello".getBytes(StandardCharsets.UTF_8));
      // a stream the test made on its own under the prefix is cleaned up too
      jsm.addStream(
          StreamConfiguration.builder()
              .name(names.stream() + "_EXTRA")
              .subjects(names.subjectPrefix() + ".extra.>")
              .storageType(StorageType.Memory)
              .build());

      assertThat(jsm.getStreamInfo(names.stream()).getStreamState().getMsgCount()).isEqualTo(1);
      assertThat(jsm.getConsumerNames(names.stream())).containsExactly(lane);

      nats.close();

      assertThat(jsm.getStreamNames())
          .doesNotContain(names.stream(), names.deadLetterStream(), names.stream() + "_EXTRA");
      assertThatThrownBy(() -> jsm.getStreamInfo(names.stream()))
          .isInstanceOf(JetStreamApiException.class)
          .extracting(e -> ((JetStreamApiException) e).getErrorCode())
          .isEqualTo(404);
    }
    nats.close(); // idempotent
  }

  @Test
  void closeWithoutStreamsIsFine() {
    try (TestNats nats = TestNats.create("Empty")) {
      assertThat(nats.names().subjectPrefix()).startsWith("t");
    }
  }
}
