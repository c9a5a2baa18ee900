package dev.herald.sandbox.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.sandbox.net.LoopbackPorts;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateNatsTest {
  @TempDir Path dir;

  @Test
  void servesJetStreamFromItsOwnStoreAcrossRestarts() throws Exception {
    Path store = dir.resolve("sandbox/nats");
    long pid;
    int port;
    try (PrivateNats nats = PrivateNats.start(store, true)) {
      pid = nats.pid();
      port = nats.port();
      assertThat(port).isNotEqualTo(4222);
      assertThat(nats.url()).isEqualTo("nats://127.0.0.1:" + port);
      assertThat(store.resolveSibling("nats.pid"))
          .content()
          .isEqualToIgnoringWhitespace(Long.toString(pid));

      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(nats.monitoringUrl().orElseThrow() + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      try (Connection c = connect(nats)) {
        JetStreamManagement jsm = c.jetStreamManagement();
        jsm.addStream(
            StreamConfiguration.builder()
                .name("SANDBOX")
                .subjects("sandbox.>")
                .storageType(StorageType.File)
                .build());
        JetStream js = c.jetStream();
        PublishAck ack = js.publish("sandbox.hello", "kept".getBytes(StandardCharsets.UTF_8));
        assertThat(ack.getStream()).isEqualTo("SANDBOX");
        assertThat(ack.getSeqno()).isEqualTo(1);
      }
    }
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(LoopbackPorts.accepts(port, Duration.ofMillis(200))).isFalse();
    assertThat(store.resolveSibling("nats.log")).exists();

    try (PrivateNats again = PrivateNats.start(store);
        Connection c = connect(again)) {
      assertThat(again.monitoringUrl()).isEmpty();
      StreamInfo info = c.jetStreamManagement().getStreamInfo("SANDBOX");
      assertThat(info.getStreamState().getMsgCount()).isEqualTo(1);
      String data =
          new String(
              c.jetStreamManagement().getLastMessage("SANDBOX", "sandbox.hello").getData(),
              StandardCharsets.UTF_8);
      assertThat(data).isEqualTo("kept");
    }
  }

  private static Connection connect(PrivateNats nats) throws Exception {
    return Nats.connect(
        new Options.Builder()
            .server(nats.url())
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(0)
            .build());
  }
}
