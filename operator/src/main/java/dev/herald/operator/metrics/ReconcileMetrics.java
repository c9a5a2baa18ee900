package dev.herald.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles per controller as java-operator-sdk runs them: {@code
 * herald_reconcile_seconds{controller, operation, result}} (operation {@code reconcile} or {@code
 * cleanup}, result {@code success} or {@code error}) and {@code
 * herald_reconcile_errors_total{controller}}, there from the controller's registration on so that
 * an alert on its rate has a series before the first error. Labels name controllers only, never a
 * resource (a label per Notification would grow without bound) nor an exception (the log says
 * which).
 */
public final class ReconcileMetrics implements Metrics {
  private final MeterRegistry registry;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    errors(controller.getConfiguration().getName());
  }

  private Counter errors(String controller) {
    return Counter.builder("herald.reconcile.errors")
        .description("Reconciles that ended in an exception")
        .tag("controller", controller)
        .register(registry);
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
      errors(execution.controllerName()).increment();
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
