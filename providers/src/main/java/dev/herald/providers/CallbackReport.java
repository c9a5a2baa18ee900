package dev.herald.providers;

import java.util.List;

/**
 * What a verified provider call reports.
 *
 * @param replayKey the same for a repeat of this very call (the operator refuses it for a while)
 * @param notices what happened, each applied once (see {@link Notice#once})
 * @param help for an inbound message asking for help: the reply to send, else null
 */
public record CallbackReport(String replayKey, List<Notice> notices, String help) {

  public CallbackReport {
    notices = List.copyOf(notices);
  }

  /**
   * One receipt, and what makes it the same receipt when it comes again (the provider's event id):
   * honoured once, even after a restart. Null when the provider gives nothing to tell them apart.
   */
  public record Notice(Once once, Receipt receipt) {}

  /** A receipt's identity: its kind (stored with it) and the provider's id for it. */
  public record Once(String kind, String id) {}

  /**
   * How the notices fared: received, not received before ({@link Notice#once}), applied to a
   * delivery or an address, kept until their delivery is recorded.
   */
  public record Tally(int received, int fresh, int applied, int kept) {}

  /** The HTTP answer the provider expects. */
  public record Answer(int status, String contentType, String body) {
    public static Answer noContent() {
      return new Answer(204, null, null);
    }
  }
}
