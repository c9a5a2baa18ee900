package dev.herald.api.notification;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The phases shown in {@code kubectl get notifications}. */
public enum NotificationPhase {
  Pending,
  Scheduled,
  Dispatching,
  Completed,
  PartiallyFailed,
  Failed,
  Cancelled;

  /**
   * A phase as status holds it; one Herald did not write (a status edited by hand) reads as none,
   * so the Notification is looked at afresh rather than left unreadable.
   */
  @JsonCreator
  public static NotificationPhase fromStatus(String value) {
    for (NotificationPhase p : values()) {
      if (p.name().equals(value)) {
        return p;
      }
    }
    return null;
  }

  public boolean isFinished() {
    return this == Completed || this == PartiallyFailed || this == Failed || this == Cancelled;
  }
}
