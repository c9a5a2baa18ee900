package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Where one run of a Campaign stands. */
public enum CampaignRunPhase {
  Running,
  Completed,
  PartiallyFailed,
  Failed,
  Cancelled;

  /**
   * A phase as status holds it; one Herald did not write (a status edited by hand) reads as none.
   */
  @JsonCreator
  public static CampaignRunPhase fromStatus(String value) {
    for (CampaignRunPhase p : values()) {
      if (p.name().equals(value)) {
        return p;
      }
    }
    return null;
  }

  public boolean isFinished() {
    return this != Running;
  }
}
