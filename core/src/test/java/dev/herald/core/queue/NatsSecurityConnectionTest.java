package dev.herald.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.api.queue.QueueNames;
import dev.herald.core.config.NatsSecurity;
import dev.herald.core.config.QueueSettings;
import dev.herald.testkit.ports.FreePorts;
import dev.herald.testkit.tls.TestCredentials;
import io.nats.client.Connection;
import io.nats.client.NKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection to a nats-server of its own that requires TLS with a client certificate (mutual TLS)
 * and an NKey user: the files are PEM and a credentials file, as a Secret mounts them.
 */
class NatsSecurityConnectionTest {
  @TempDir static Path dir;
  private static Process server;
  private static int port;
  private static Path serverCert;
  private static Path clientCert;
  private static Path clientKey;
  private static Path creds;

  @BeforeAll
  static void startServer() throws Exception {
    KeyPair serverKeys = TestCredentials.p256();
    X509Certificate serverCertificate = TestCredentials.selfSigned(serverKeys);
    serverCert = pem("server.crt", "CERTIFICATE", serverCertificate.getEncoded());
    Path serverKey = pem("server.key", "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
    KeyPair clientKeys = TestCredentials.p256();
    clientCert =
        pem("client.crt", "CERTIFICATE", TestCredentials.selfSigned(clientKeys).getEncoded());
    clientKey = pem("client.key", "PRIVATE KEY", clientKeys.getPrivate().getEncoded());

    NKey user = NKey.createUser(new SecureRandom());
    // the shape nsc writes; without an operator the server checks the NKey's signature only
    creds =
        Files.writeString(
            dir.resolve("herald.creds"),
            "-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln\n"
                + "------END NATS USER JWT------\n\n"
                + "-----BEGIN USER NKEY SEED-----\n"
                + new String(user.getSeed())
                + "\n------END USER NKEY SEED------\n");

    port = FreePorts.find();
    Path config =
        Files.writeString(
            dir.resolve("nats.conf"),
            """
            listen: "127.0.0.1:%d"
            tls {
              cert_file: "%s"
              key_file: "%s"
              ca_file: "%s"
              verify: true
              timeout: 2
            }
            authorization {
              users: [ { nkey: "%s" } ]
            }
            """
                .formatted(
                    port, serverCert, serverKey, clientCert, new String(user.getPublicKey())));
    server =
        new ProcessBuilder("nats-server", "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nats.log").toFile())
            .start();
    await().atMost(Duration.ofSeconds(10)).until(NatsSecurityConnectionTest::listening);
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  private static boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(FreePorts.LOOPBACK, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path pem(String name, String type, byte[] der) throws IOException {
    return Files.writeString(dir.resolve(name), TestCredentials.pem(type, der));
  }

  private static QueueSettings settings(NatsSecurity security) {
    return QueueSettings.defaults("tls://127.0.0.1:" + port, QueueNames.DEFAULT)
        .withSecurity(security);
  }

  @Test
  void connectsWithTheCaTheClientCertificateAndTheCredentials() throws Exception {
    try (QueueConnection queue =
        QueueConnection.connect(
            settings(new NatsSecurity(creds, serverCert, clientCert, clientKey)), "tls-test")) {
      assertThat(queue.nats().getStatus()).isEqualTo(Connection.Status.CONNECTED);
      // a round trip through the server
      queue.nats().flush(Duration.ofSeconds(5));
      assertThat(queue.nats().getServerInfo().isTLSRequired()).isTrue();
    }
  }

  @Test
  void isRefusedWithoutCredentials() {
    assertThatThrownBy(
            () ->
                QueueConnection.connect(
                    settings(new NatsSecurity(null, serverCert, clientCert, clientKey)),
                    "tls-test"))
        .hasMessageContaining("Authorization Violation");
  }

  @Test
  void isRefusedWithoutAClientCertificate() {
    assertThatThrownBy(
            () ->
                QueueConnection.connect(
                    settings(new NatsSecurity(creds, serverCert, null, null)), "tls-test"))
        .hasMessageContaining("cannot connect to NATS");
  }

  @Test
  void refusesAServerItsCaDidNotSign() {
    // the client's own certificate as the only CA: the server's is not trusted
    assertThatThrownBy(
            () ->
                QueueConnection.connect(
                    settings(new NatsSecurity(creds, clientCert, clientCert, clientKey)),
                    "tls-test"))
        .hasMessageContaining("cannot connect to NATS");
  }

  @Test
  void aKeyThatIsNotPkcs8IsNamed() throws Exception {
    Path bad = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAA==\n");
    assertThatThrownBy(() -> NatsTls.context(new NatsSecurity(null, serverCert, clientCert, bad)))
        .hasMessageContaining("HERALD_NATS_TLS_KEY must be a PKCS#8 PEM key");
  }
}
