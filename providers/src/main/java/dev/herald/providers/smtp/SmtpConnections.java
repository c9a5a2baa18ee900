package dev.herald.providers.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Connections to one relay, kept open between mails: connecting costs a TCP and a TLS handshake and
 * AUTH, several round trips that a reused connection spends once. Borrowing never waits (the
 * dispatcher's gate already bounds calls in flight by {@code maxConcurrency}); at most {@code
 * maxIdle} connections are kept. A kept connection is checked with RSET before reuse, so one the
 * relay closed meanwhile (idle timeout, restart) is dropped, not used.
 *
 * <p>After {@link #close()} (a rotated Secret: the provider's new client has its own pool)
 * connections in use are closed when they come back, and new ones are not kept.
 */
final class SmtpConnections implements AutoCloseable {
  /** Relays drop idle connections after a minute or more; one kept longer is not worth an RSET. */
  static final Duration MAX_IDLE = Duration.ofSeconds(50);

  /** Relays limit mails per connection (often to 100): a fresh connection before that. */
  static final int MAX_MAILS = 90;

  /** One authenticated connection. */
  static final class Connection {
    final Transport transport;
    private long lastUsed = System.nanoTime();
    private int mails;

    private Connection(Transport transport) {
      this.transport = transport;
    }

    private void closeQuietly() {
      try {
        transport.close();
      } catch (MessagingException | RuntimeException ignored) {
        // the connection is gone either way
      }
    }
  }

  private final Session session;
  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final int maxIdle;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  SmtpConnections(
      Session session, String host, int port, String username, String password, int maxIdle) {
    this.session = session;
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    this.maxIdle = maxIdle;
  }

  Session session() {
    return session;
  }

  /** A kept connection that still answers, or a new one (connected, TLS and AUTH done). */
  Connection borrow() throws MessagingException {
    while (true) {
      Connection kept;
      synchronized (this) {
        kept = idle.pollFirst(); // the most recently used: the least likely to have been dropped
      }
      if (kept == null) {
        break;
      }
      // isConnected() sends RSET (mail.smtp.userset): a round trip that also clears any transaction
      // state
      if (System.nanoTime() - kept.lastUsed < MAX_IDLE.toNanos() && kept.transport.isConnected()) {
        return kept;
      }
      kept.closeQuietly();
    }
    Transport transport = session.getTransport("smtp");
    transport.connect(host, port, username, password);
    return new Connection(transport);
  }

  /**
   * Gives a connection back after one mail; {@code usable} false when the relay closed or broke it.
   */
  void release(Connection connection, boolean usable) {
    connection.mails++;
    connection.lastUsed = System.nanoTime();
    synchronized (this) {
      if (usable && !closed && connection.mails < MAX_MAILS && idle.size() < maxIdle) {
        idle.addFirst(connection);
        return;
      }
    }
    connection.closeQuietly();
  }

  /** Connections kept now. */
  synchronized int idle() {
    return idle.size();
  }

  @Override
  public void close() {
    List<Connection> kept;
    synchronized (this) {
      closed = true;
      kept = new ArrayList<>(idle);
      idle.clear();
    }
    kept.forEach(Connection::closeQuietly);
  }
}
