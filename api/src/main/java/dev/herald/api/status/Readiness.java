package dev.herald.api.status;

import java.util.Objects;

/**
 * A kind's {@code Ready} summary.
 *
 * @param status {@code True}, {@code False} or {@code Unknown}
 */
public record Readiness(String status, String reason, String message) {
  public Readiness {
    if (!status.equals("True") && !status.equals("False") && !status.equals("Unknown")) {
      throw new IllegalArgumentException("a condition is True, False or Unknown, not " + status);
    }
    Objects.requireNonNull(reason, "reason");
  }

  public static Readiness ready(String reason, String message) {
    return new Readiness("True", reason, message);
  }

  public static Readiness failed(String reason, String message) {
    return new Readiness("False", reason, message);
  }

  public static Readiness inProgress(String reason, String message) {
    return new Readiness("Unknown", reason, message);
  }

  /** Ready as {@code condition} is: True or False with its reason and message. */
  public static Readiness as(io.fabric8.kubernetes.api.model.Condition condition) {
    return new Readiness(
        "True".equals(condition.getStatus()) ? "True" : "False",
        condition.getReason() == null ? "Unknown" : condition.getReason(),
        condition.getMessage());
  }
}
