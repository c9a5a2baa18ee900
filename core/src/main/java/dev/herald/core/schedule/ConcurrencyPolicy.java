package dev.herald.core.schedule;

/** What a run that comes due does to a run still going: CronJob's {@code concurrencyPolicy}. */
public enum ConcurrencyPolicy {
  /** Both run. */
  ALLOW("Allow"),
  /** The new run waits until the active one ends (and is skipped if that is past its deadline). */
  FORBID("Forbid"),
  /** The active run is stopped and the new one starts. */
  REPLACE("Replace");

  public static final String FIELD = "spec.concurrencyPolicy";

  private final String written;

  ConcurrencyPolicy(String written) {
    this.written = written;
  }

  /** As the resource writes it: {@code Allow}, {@code Forbid}, {@code Replace}. */
  public String written() {
    return written;
  }

  /**
   * Omitted or empty is {@code Allow}, CronJob's default; any other value than the three is
   * refused, as the API server refuses it.
   *
   * @throws ScheduleProblem naming {@code spec.concurrencyPolicy}
   */
  public static ConcurrencyPolicy parse(String text) {
    if (text == null || text.isEmpty()) {
      return ALLOW;
    }
    for (ConcurrencyPolicy p : values()) {
      if (p.written.equals(text)) {
        return p;
      }
    }
    throw new ScheduleProblem(
        FIELD, "must be Allow, Forbid or Replace, was " + ScheduleProblem.shown(text));
  }
}
