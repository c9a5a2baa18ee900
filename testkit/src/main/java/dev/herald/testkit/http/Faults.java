package dev.herald.testkit.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Faults scripted for a simulator, consumed one per request in the order they were scripted.
 * Thread-safe.
 *
 * @param <F> what a fault is for the simulator that owns the queue
 */
public final class Faults<F> {
  private final Deque<F> queue = new ArrayDeque<>();

  /** Adds {@code fault} for each of the next {@code times} requests. */
  public void add(int times, F fault) {
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative: " + times);
    }
    Objects.requireNonNull(fault, "fault");
    synchronized (queue) {
      for (int i = 0; i < times; i++) {
        queue.addLast(fault);
      }
    }
  }

  /** The next fault, or {@code null} when none is left. */
  public F next() {
    synchronized (queue) {
      return queue.pollFirst();
    }
  }

  /** Faults scripted and not yet consumed. */
  public int pending() {
    synchronized (queue) {
      return queue.size();
    }
  }

  public void clear() {
    synchronized (queue) {
      queue.clear();
    }
  }
}
