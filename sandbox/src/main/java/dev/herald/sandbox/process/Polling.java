package dev.herald.sandbox.process;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How the sandbox's tools (fault suite, bench, private servers) wait on something outside their
 * process: a condition asked again with a growing pause (10 ms, doubling, up to {@code every})
 * until it holds or the deadline passes, and a plain pause for a span that is itself the point (how
 * long a fault lasts).
 */
public final class Polling {
  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(10).toNanos();

  private Polling() {}

  /**
   * True once {@code condition} holds; false when {@code atMost} passed first (or the thread was
   * interrupted).
   */
  public static boolean until(BooleanSupplier condition, Duration atMost, Duration every) {
    long deadline = System.nanoTime() + atMost.toNanos();
    long pause = Math.min(FIRST_PAUSE_NANOS, every.toNanos());
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(pause, left));
      pause = Math.min(pause * 2, every.toNanos());
    }
    return true;
  }

  /**
   * Lets {@code span} pass (a fault's length, a client's pace); returns early when interrupted,
   * keeping the flag.
   */
  public static void pause(Duration span) {
    try {
      Thread.sleep(span);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
