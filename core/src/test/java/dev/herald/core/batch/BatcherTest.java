package dev.herald.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherTest {

  @Test
  void anUrgentItemGoesInTheNextBatchAheadOfThoseWaiting() throws Exception {
    CountDownLatch firstFlushHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<String>> batches = new ArrayList<>();
    try (Batcher<String, String> batcher =
        new Batcher<>(
            "test",
            3,
            Duration.ofMillis(1),
            items -> {
              synchronized (batches) {
                batches.add(items);
              }
              if (items.contains("first")) {
                firstFlushHeld.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return items.stream().map(String::toUpperCase).toList();
            })) {
      CompletableFuture<String> first = batcher.submit("first");
      firstFlushHeld.await(10, TimeUnit.SECONDS);
      List<CompletableFuture<String>> bulk = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        bulk.add(batcher.submit("bulk" + i));
      }
      CompletableFuture<String> urgent = batcher.submit("otp", true);
      release.countDown();

      assertThat(urgent.get(10, TimeUnit.SECONDS)).isEqualTo("OTP");
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
      for (int i = 0; i < bulk.size(); i++) {
        assertThat(bulk.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("BULK" + i);
      }
      await()
          .until(
              () -> {
                synchronized (batches) {
                  return batches.stream().mapToInt(List::size).sum() == 11;
                }
              });
      synchronized (batches) {
        assertThat(batches.get(1)).as("the batch after the one in progress").startsWith("otp");
        assertThat(batches.stream().skip(1).flatMap(List::stream).filter(s -> s.startsWith("bulk")))
            .as("the others keep their order")
            .containsExactly(
                "bulk0", "bulk1", "bulk2", "bulk3", "bulk4", "bulk5", "bulk6", "bulk7", "bulk8");
      }
    }
  }

  @Test
  void anInterruptedSubmitterGetsNothingWritten() throws Exception {
    List<String> flushed = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Batcher<String, String> batcher =
        new Batcher<>(
            "test",
            10,
            Duration.ofMillis(1),
            items -> {
              flushed.addAll(items);
              return items;
            })) {
      java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> submitted =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread halting =
          Thread.ofPlatform()
              .start(
                  () -> {
                    Thread.currentThread().interrupt();
                    submitted.set(batcher.submit("written on the way out"));
                  });
      halting.join(10_000);
      CompletableFuture<String> refused = submitted.get();
      assertThat(refused).isCompletedExceptionally();
      assertThat(batcher.submit("later").get(10, TimeUnit.SECONDS)).isEqualTo("later");
      assertThat(flushed).containsExactly("later");
    }
  }
}
