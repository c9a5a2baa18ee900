package dev.herald.core.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers items submitted from many threads into batches of at most {@code maxBatch}, waiting at
 * most {@code maxDelay} after the first item, and hands each batch to one function. The function
 * returns one result per item, in order. A full queue blocks submitters: backpressure rather than
 * memory growth. An urgent item goes ahead of every waiting one, so that it is in the next batch
 * however many bulk items wait.
 */
public final class Batcher<T, R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

  private record Item<T, R>(T value, CompletableFuture<R> result) {}

  private final BlockingDeque<Item<T, R>> queue;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final Function<List<T>, List<R>> flush;
  private final Thread worker;
  private volatile boolean running = true;

  public Batcher(String name, int maxBatch, Duration maxDelay, Function<List<T>, List<R>> flush) {
    this.queue = new LinkedBlockingDeque<>(maxBatch * 4);
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxDelay.toNanos();
    this.flush = flush;
    this.worker = Thread.ofPlatform().name(name).daemon(true).start(this::run);
  }

  public CompletableFuture<R> submit(T value) {
    return submit(value, false);
  }

  /** As {@link #submit(Object)}; an {@code urgent} item is taken before those already waiting. */
  public CompletableFuture<R> submit(T value, boolean urgent) {
    CompletableFuture<R> result = new CompletableFuture<>();
    if (!running) {
      result.completeExceptionally(new IllegalStateException("batcher closed"));
      return result;
    }
    try {
      Item<T, R> item = new Item<>(value, result);
      // The deque takes an item without a wait when it has room, even from an interrupted thread:
      // work being interrupted (a process halting) must not get its writes in on the way out.
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (urgent) {
        queue.putFirst(item);
      } else {
        queue.putLast(item);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
    }
    return result;
  }

  private void run() {
    List<Item<T, R>> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        Item<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < maxBatch) {
          long left = deadline - System.nanoTime();
          Item<T, R> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        flush(batch);
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    for (Item<T, R> left; (left = queue.poll()) != null; ) {
      left.result().completeExceptionally(new IllegalStateException("batcher closed"));
    }
  }

  private void flush(List<Item<T, R>> batch) {
    try {
      List<R> results = flush.apply(batch.stream().map(Item::value).toList());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(results.get(i));
      }
    } catch (RuntimeException e) {
      LOG.warn("batch of {} failed: {}", batch.size(), e.toString());
      batch.forEach(item -> item.result().completeExceptionally(e));
    }
  }

  /** Flushes what was submitted, then stops. */
  @Override
  public void close() {
    running = false;
    try {
      worker.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
