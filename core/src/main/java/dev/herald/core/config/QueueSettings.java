package dev.herald.core.config;

import dev.herald.api.queue.QueueNames;
import java.time.Duration;
import java.util.Map;

/**
 * How Herald uses JetStream.
 *
 * @param natsUrl one or more comma-separated server URLs
 * @param names stream, dead-letter stream and subject prefix
 * @param replicas stream replicas (3 on a JetStream cluster)
 * @param ackWait how long a dispatcher may hold a message before JetStream redelivers it; longer
 *     than the slowest provider call
 * @param maxDeliver JetStream's own redelivery cap; -1, none, by default. Herald decides when a
 *     delivery is exhausted (provider attempts); a message may still be redelivered any number of
 *     times while Postgres is down. A message that reached a cap would stay in the work-queue
 *     stream, never delivered again, and its delivery would wait forever.
 * @param maxAckPending messages in flight per lane consumer
 * @param duplicateWindow de-duplication window for {@code Nats-Msg-Id}; covers the relay's longest
 *     republish interval
 * @param maxPublishInFlight unacknowledged asynchronous publishes per process
 * @param strandedAfter how long a delivery may sit {@code queued} or {@code sending} before the
 *     sweeper checks that its message is still in the stream (a backlog is normal; a missing
 *     message is not); the sweep runs this often too, at most every minute
 * @param security credentials file and TLS files of the connection
 */
public record QueueSettings(
    String natsUrl,
    QueueNames names,
    int replicas,
    Duration ackWait,
    int maxDeliver,
    int maxAckPending,
    Duration duplicateWindow,
    int maxPublishInFlight,
    Duration strandedAfter,
    NatsSecurity security) {

  public static QueueSettings defaults(String natsUrl, QueueNames names) {
    return new QueueSettings(
        natsUrl,
        names,
        1,
        Duration.ofSeconds(60),
        -1,
        5000,
        Duration.ofMinutes(10),
        5000,
        Duration.ofMinutes(5),
        NatsSecurity.NONE);
  }

  public QueueSettings withAckWait(Duration ackWait) {
    return new QueueSettings(
        natsUrl,
        names,
        replicas,
        ackWait,
        maxDeliver,
        maxAckPending,
        duplicateWindow,
        maxPublishInFlight,
        strandedAfter,
        security);
  }

  public QueueSettings withMaxAckPending(int maxAckPending) {
    return new QueueSettings(
        natsUrl,
        names,
        replicas,
        ackWait,
        maxDeliver,
        maxAckPending,
        duplicateWindow,
        maxPublishInFlight,
        strandedAfter,
        security);
  }

  public QueueSettings withSecurity(NatsSecurity security) {
    return new QueueSettings(
        natsUrl,
        names,
        replicas,
        ackWait,
        maxDeliver,
        maxAckPending,
        duplicateWindow,
        maxPublishInFlight,
        strandedAfter,
        security);
  }

  /**
   * Reads {@code HERALD_NATS_URL}, {@code HERALD_STREAM_REPLICAS}, {@code HERALD_ACK_WAIT_SECONDS},
   * {@code HERALD_SWEEP_AFTER_SECONDS}, and the credentials and TLS files ({@link
   * NatsSecurity#fromEnv}).
   */
  public static QueueSettings fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    QueueSettings d =
        defaults(vars.text("HERALD_NATS_URL", "nats://127.0.0.1:4222"), QueueNames.DEFAULT);
    return new QueueSettings(
        d.natsUrl,
        d.names,
        vars.integer("HERALD_STREAM_REPLICAS", 1, 1, 5),
        vars.seconds("HERALD_ACK_WAIT_SECONDS", Duration.ofSeconds(60), 1, 3600),
        d.maxDeliver,
        d.maxAckPending,
        d.duplicateWindow,
        d.maxPublishInFlight,
        vars.seconds("HERALD_SWEEP_AFTER_SECONDS", d.strandedAfter, 1, 86_400),
        NatsSecurity.fromEnv(env));
  }
}
