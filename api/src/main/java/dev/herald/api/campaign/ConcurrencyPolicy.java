package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What a Campaign does when a run is due while the previous one is still sending, as CronJob. */
public enum ConcurrencyPolicy {
  /** Start the new run beside the old one. */
  Allow,
  /** Skip the new run. */
  Forbid,
  /** Cancel what the old run has not sent yet and start the new one. */
  Replace;

  /** Parses a policy; an unknown one gives {@code null}, so that validation can name it. */
  @JsonCreator
  public static ConcurrencyPolicy fromWire(String value) {
    for (ConcurrencyPolicy p : values()) {
      if (p.name().equals(value)) {
        return p;
      }
    }
    return null;
  }
}
