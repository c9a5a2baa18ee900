package dev.herald.testkit.nats;

import dev.herald.api.queue.QueueNames;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * JetStream names of its own on the machine's NATS server, for one test class or test: a {@link
 * QueueNames} no other run uses, and the removal of whatever was made under it.
 *
 * <p>Names: stream {@code T_<HINT>_<RANDOM>} (upper case), dead-letter stream {@code
 * <stream>_DEAD}, subject prefix {@code t<random>} (the same random part, lower case, no dots).
 * {@link #create(String)} makes no stream; the code under test does, as in production. {@link
 * #close()} deletes both streams, with their consumers, and any other stream whose subjects lie
 * under the prefix.
 *
 * <p>The server is {@code HERALD_TEST_NATS_URL} (default {@code nats://127.0.0.1:4222}), which must
 * have JetStream enabled. Streams not cleaned up by {@link #close()} are removed when the JVM exits
 * normally.
 */
public final class TestNats implements AutoCloseable {
  /** Every stream made here starts with this. */
  public static final String STREAM_PREFIX = "T_";

  /** The suffix of the dead-letter stream's name. */
  public static final String DEAD_SUFFIX = "_DEAD";

  private static final String DEFAULT_URL = "nats://127.0.0.1:4222";
  private static final int RANDOM_LENGTH = 10;
  private static final int MAX_HINT_LENGTH = 24;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String url;
  private final QueueNames names;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread cleanAtExit;

  private TestNats(String url, QueueNames names) {
    this.url = url;
    this.names = names;
    this.cleanAtExit = Thread.ofPlatform().unstarted(this::cleanQuietly);
    Runtime.getRuntime().addShutdownHook(cleanAtExit);
  }

  /**
   * New unique names on the machine's NATS; {@code hint} (e.g. the test class's simple name)
   * becomes part of the stream name. Checks that the server is up and has JetStream.
   */
  public static TestNats create(String hint) {
    String url = configuredUrl();
    QueueNames names = newNames(hint);
    try (Connection nc = connect(url)) {
      nc.jetStreamManagement().getAccountStatistics();
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException(
          "NATS with JetStream is not available at " + url + " (set HERALD_TEST_NATS_URL)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted connecting to " + url, e);
    }
    return new TestNats(url, names);
  }

  /** Unique names for {@code hint}; see the class comment for their form. */
  static QueueNames newNames(String hint) {
    String h = hint == null ? "" : hint.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    h = h.replaceAll("^_+|_+$", "");
    if (h.isEmpty()) {
      h = "TEST";
    }
    if (h.length() > MAX_HINT_LENGTH) {
      h = h.substring(0, MAX_HINT_LENGTH).replaceAll("_+$", "");
    }
    StringBuilder random = new StringBuilder(RANDOM_LENGTH);
    for (int i = 0; i < RANDOM_LENGTH; i++) {
      random.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    String stream = STREAM_PREFIX + h + "_" + random.toString().toUpperCase(Locale.ROOT);
    return new QueueNames(stream, stream + DEAD_SUFFIX, "t" + random);
  }

  /** The server's URL. */
  public String url() {
    return url;
  }

  /** The names to use instead of {@link QueueNames#DEFAULT}. */
  public QueueNames names() {
    return names;
  }

  /** A new connection to the server, without reconnects; the caller closes it. */
  public Connection connect() throws IOException, InterruptedException {
    return connect(url);
  }

  /**
   * Deletes the stream and the dead-letter stream if they exist (their consumers go with them), and
   * every other stream with subjects under the prefix. Calling it again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(cleanAtExit);
    } catch (IllegalStateException alreadyExiting) {
      // the hook is running or about to; cleaning twice is harmless
    }
    try {
      clean();
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("cannot delete streams of " + names + " at " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted deleting streams of " + names, e);
    }
  }

  @Override
  public String toString() {
    return "TestNats[" + url + ", " + names + "]";
  }

  private void clean() throws IOException, JetStreamApiException, InterruptedException {
    try (Connection nc = connect(url)) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      Set<String> streams = new LinkedHashSet<>();
      streams.add(names.stream());
      streams.add(names.deadLetterStream());
      streams.addAll(jsm.getStreamNames(names.subjectPrefix() + ".>"));
      for (String stream : streams) {
        deleteIfPresent(jsm, stream);
      }
    }
  }

  private void cleanQuietly() {
    if (closed.compareAndSet(false, true)) {
      try {
        clean();
      } catch (IOException
          | JetStreamApiException
          | InterruptedException
          | RuntimeException ignored) {
        // best effort at exit
      }
    }
  }

  private static void deleteIfPresent(JetStreamManagement jsm, String stream)
      throws IOException, JetStreamApiException {
    try {
      jsm.deleteStream(stream);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404 && e.getApiErrorCode() != 10059) {
        throw e;
      }
    }
  }

  private static Connection connect(String url) throws IOException, InterruptedException {
    Options options =
        new Options.Builder()
            .server(url)
            .connectionName("herald-testkit")
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(0)
            .build();
    return Nats.connect(options);
  }

  private static String configuredUrl() {
    String value = System.getenv("HERALD_TEST_NATS_URL");
    return value == null || value.isBlank() ? DEFAULT_URL : value.strip();
  }
}
