package dev.herald.api.notification;

/** The phases shown in {@code kubectl get notifications}. */
public enum NotificationPhase {
  Pending, Scheduled, Dispatching, Completed, PartiallyFailed, Failed, Cancelled;

  public boolean isFinished() {
    return this == Completed || this == PartiallyFailed || this == Failed || this == Cancelled;
  }
}
