package dev.herald.dispatcher.metrics;

import dev.herald.core.metrics.MetricsServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The dispatcher's {@code /readyz}: ready while Postgres answers a query, the NATS connection is
 * connected and the DeliveryProvider informer has listed once; before the dispatcher has set each
 * up, it is not ready. The Postgres query is given {@link #QUERY_TIMEOUT}: a probe must answer
 * within its own timeout even when a pool waits for a connection.
 */
public final class Readiness implements MetricsServer.Probe {
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

  /** One thing the dispatcher needs, by name; {@code null} until the dispatcher has it. */
  public record Check(String name, Supplier<Optional<String>> problem) {}

  private volatile List<Check> checks;

  /** Not ready: the dispatcher is still starting. */
  public Readiness() {}

  /** From now on ready when each of these is well. */
  public void started(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** Not ready again: the dispatcher is stopping. */
  public void stopping() {
    this.checks = null;
  }

  @Override
  public Optional<String> problem() {
    List<Check> now = checks;
    if (now == null) {
      return Optional.of("not started");
    }
    for (Check c : now) {
      Optional<String> p = c.problem().get();
      if (p.isPresent()) {
        return Optional.of(c.name() + ": " + p.get());
      }
    }
    return Optional.empty();
  }

  /** A check that {@code ready} holds, else {@code problem}. */
  public static Check holds(String name, BooleanSupplier ready, String problem) {
    return new Check(name, () -> ready.getAsBoolean() ? Optional.empty() : Optional.of(problem));
  }

  /** A check that {@code query} returns within {@link #QUERY_TIMEOUT} without throwing. */
  public static Check answers(String name, Runnable query) {
    return new Check(
        name,
        () -> {
          CompletableFuture<Void> done =
              CompletableFuture.runAsync(query, r -> Thread.ofVirtual().start(r));
          try {
            done.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
          } catch (TimeoutException e) {
            done.cancel(true);
            return Optional.of("no answer within " + QUERY_TIMEOUT.toSeconds() + " s");
          } catch (ExecutionException e) {
            return Optional.of("does not answer (" + e.getCause().getClass().getSimpleName() + ")");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
          }
        });
  }
}
