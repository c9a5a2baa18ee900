package dev.herald.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles per controller as java-operator-sdk runs them: {@code
 * herald_reconcile_seconds{controller, operation, result}} (operation {@code reconcile} or {@code
 * cleanup}, result {@code success} or {@code error}) and {@code
 * herald_reconcile_errors_total{controller, exception}}. Labels name controllers and exception
 * classes only, never a resource: a label per Notification would grow without bound.
 */
public final class ReconcileMetrics implements Metrics {
  private final MeterRegistry registry;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    String result = "error";
    try {
      T outcome = execution.execute();
      result = "success";
      return outcome;
    } catch (Exception e) {
      Counter.builder("herald.reconcile.errors")
          .description("Reconciles that ended in an exception")
          .tag("controller", execution.controllerName())
          .tag("exception", e.getClass().getSimpleName())
          .register(registry)
          .increment();
      throw e;
    } finally {
      Timer.builder("herald.reconcile")
          .description("Reconciles (count) and how long they took")
          .tag("controller", execution.controllerName())
          .tag("operation", execution.name())
          .tag("result", result)
          .register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }
}
