package dev.herald.core.queue;

import dev.herald.core.config.NatsSecurity;
import dev.herald.core.config.QueueSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One NATS connection per process, reconnecting forever; JetStream contexts come from here. */
public final class QueueConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueueConnection.class);

  private final Connection connection;
  private final QueueSettings settings;

  private QueueConnection(Connection connection, QueueSettings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  public static QueueConnection connect(QueueSettings settings, String name) {
    Options options = options(settings, name);
    try {
      return new QueueConnection(Nats.connect(options), settings);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot connect to NATS at " + settings.natsUrl() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS", e);
    }
  }

  /** The connection's options: reconnecting forever, with the settings' credentials and TLS. */
  static Options options(QueueSettings settings, String name) {
    Options.Builder builder =
        new Options.Builder()
            .server(settings.natsUrl())
            .connectionName(name)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .connectionTimeout(Duration.ofSeconds(5))
            .connectionListener(
                (conn, event) -> {
                  if (event != ConnectionListener.Events.RESUBSCRIBED) {
                    LOG.info("nats connection {}: {}", name, event);
                  }
                });
    NatsSecurity security = settings.security();
    if (security.credentials() != null) {
      // read at each (re)connect: a rotated file is used from the next connection on
      builder.authHandler(Nats.credentials(security.credentials().toString()));
    }
    if (security.tls()) {
      // read once: a rotated certificate is used after a restart
      builder.sslContext(NatsTls.context(security));
    }
    return builder.build();
  }

  public Connection nats() {
    return connection;
  }

  public QueueSettings settings() {
    return settings;
  }

  public JetStream jetStream() {
    try {
      return connection.jetStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public JetStreamManagement management() {
    try {
      return connection.jetStreamManagement();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates or updates the streams and lane consumers; safe to call from every replica. */
  public void ensureTopology() {
    try {
      new JetStreamTopology(management(), settings).ensure();
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("cannot set up JetStream: " + e.getMessage(), e);
    }
  }

  private volatile long lastRepair;

  /**
   * Sets the topology up again after something that looked like it is gone (a broker whose store
   * was wiped forgets its streams and consumers); at most every few seconds however many callers
   * ask. Failures are left for the next call.
   */
  public void repairTopology() {
    long now = System.nanoTime();
    if (now - lastRepair < java.util.concurrent.TimeUnit.SECONDS.toNanos(3)) {
      return;
    }
    lastRepair = now;
    try {
      ensureTopology();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(QueueConnection.class)
          .debug("repairing JetStream's topology failed: {}", e.toString());
    }
  }

  /** Closes at once without draining: what is in flight is left to JetStream's redelivery. */
  public void abort() {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (connection.getStatus() == Connection.Status.CLOSED) {
      return;
    }
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      // Draining waits for a connection that may never come back (the server is gone).
      abort();
      return;
    }
    try {
      connection.drain(Duration.ofSeconds(5)).get();
    } catch (Exception e) {
      LOG.debug("nats drain did not finish cleanly", e);
    } finally {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
