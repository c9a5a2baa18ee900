package dev.herald.testkit.http;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers a simulator accepts but holds back until the test releases them: the window in which the
 * provider has the message and its client does not know yet. Consumed one per accepted request, in
 * the order they were scripted. Thread-safe.
 */
public final class HeldAnswers {
  private final Faults<CountDownLatch> holds = new Faults<>();

  /** Holds the next accepted request's answer; running the returned action releases it. */
  public Runnable holdNext() {
    CountDownLatch release = new CountDownLatch(1);
    holds.add(1, release);
    return release::countDown;
  }

  /**
   * Waits while this request's answer is held (if it is); true when {@code server} closes first,
   * and the exchange should be dropped unanswered.
   */
  public boolean awaitRelease(SimulatorServer server) {
    CountDownLatch release = holds.next();
    try {
      while (release != null && !release.await(50, TimeUnit.MILLISECONDS)) {
        if (server.awaitClosing(Duration.ZERO)) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  public void clear() {
    holds.clear();
  }
}
