package dev.herald.testkit.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a simulator accepted, in order: kept for a test to read, or — once {@link #forwardTo} was
 * called, for a load run whose hundreds of thousands of messages would not fit in memory — handed
 * to a listener and not kept. Thread-safe.
 *
 * @param <T> what the simulator records (a mail, an SMS, a push)
 */
public final class Recorded<T> {
  private final List<T> kept = new ArrayList<>();
  private volatile Consumer<? super T> forward;

  /** Keeps {@code item}, or hands it to the listener. */
  public void add(T item) {
    Consumer<? super T> listener = forward;
    if (listener != null) {
      listener.accept(item);
      return;
    }
    synchronized (kept) {
      kept.add(item);
    }
  }

  /** As {@link #add} for each, in order. */
  public void addAll(List<? extends T> items) {
    Consumer<? super T> listener = forward;
    if (listener != null) {
      items.forEach(listener);
      return;
    }
    synchronized (kept) {
      kept.addAll(items);
    }
  }

  /** What was kept, in order (nothing accepted after {@link #forwardTo}). */
  public List<T> kept() {
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }

  /** Whether items are kept (no listener was set). */
  public boolean keeping() {
    return forward == null;
  }

  /**
   * From now on hands each item to {@code listener} (on the thread that accepted it) instead of
   * keeping it.
   */
  public void forwardTo(Consumer<? super T> listener) {
    forward = Objects.requireNonNull(listener, "listener");
  }

  /** Forgets what was kept. */
  public void clear() {
    synchronized (kept) {
      kept.clear();
    }
  }
}
