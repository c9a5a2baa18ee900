package dev.herald.testkit.apns;

import dev.herald.testkit.ports.FreePorts;
import dev.herald.testkit.tls.TestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS server on 127.0.0.1 that speaks no HTTP/2: it completes the handshake with the same kind of
 * self-signed certificate as {@link ApnsSimulator}, answers whatever arrives with an HTTP/1.1
 * response, and hangs up. For testing what a client does with a malformed answer.
 */
public final class GarbageTlsServer implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();
  private final String certificatePem;

  private GarbageTlsServer() throws IOException {
    var key = TestCredentials.p256();
    var certificate = TestCredentials.selfSigned(key);
    try {
      this.certificatePem = TestCredentials.pem("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    SSLServerSocket server =
        (SSLServerSocket)
            TestCredentials.serverContext(key, certificate)
                .getServerSocketFactory()
                .createServerSocket(0, 16, FreePorts.LOOPBACK);
    this.socket = server;
    this.acceptor = Thread.ofVirtual().name("garbage-tls").start(this::acceptLoop);
  }

  public static GarbageTlsServer start() {
    try {
      return new GarbageTlsServer();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the garbage TLS server", e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "https://127.0.0.1:" + port();
  }

  /** Its self-signed certificate, as PEM, for clients to trust. */
  public String certificatePem() {
    return certificatePem;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> answer(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void answer(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      in.read(new byte[4096]); // whatever the client opens with (the TLS handshake happens here)
      OutputStream out = client.getOutputStream();
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException ignored) {
      // the client hung up first: nothing to answer
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a listening socket does not fail in practice
    }
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
