package dev.herald.api.queue;

import dev.herald.api.Channel;
import dev.herald.api.Priority;

/**
 * The names of Herald's JetStream resources. Work goes to {@code
 * <prefix>.delivery.<priority>.<channel>} in {@link #stream()}, dead letters to {@code
 * <prefix>.dead.<channel>} in {@link #deadLetterStream()}. Production uses {@link #DEFAULT}; each
 * test class gets names of its own.
 */
public record QueueNames(String stream, String deadLetterStream, String subjectPrefix) {
  public static final QueueNames DEFAULT = new QueueNames("HERALD", "HERALD_DEAD", "herald");

  public String delivery(Priority priority, Channel channel) {
    return subjectPrefix + ".delivery." + priority.wireName() + "." + channel.wireName();
  }

  public String allDeliveries() {
    return subjectPrefix + ".delivery.>";
  }

  public String dead(Channel channel) {
    return subjectPrefix + ".dead." + channel.wireName();
  }

  public String allDead() {
    return subjectPrefix + ".dead.>";
  }

  /** The durable pull consumer of one lane, e.g. {@code HERALD_high_email}. */
  public String consumer(Priority priority, Channel channel) {
    return stream + "_" + priority.wireName() + "_" + channel.wireName();
  }
}
