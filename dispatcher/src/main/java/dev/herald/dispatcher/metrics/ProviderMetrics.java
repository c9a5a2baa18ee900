package dev.herald.dispatcher.metrics;

import dev.herald.dispatcher.provider.ProviderGate.Circuit;
import dev.herald.providers.SendResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One provider's calls as this dispatcher makes them: {@code
 * herald_provider_call_seconds{namespace, provider, type, result}} (result {@code accepted}, {@code
 * retryable}, {@code permanent}, {@code exception}), {@code herald_provider_errors_total{namespace,
 * provider, type, error_class, code}} (the provider's code, or the exception's class), and {@code
 * herald_provider_circuit_state{namespace, provider, type, state}}: 1 for the circuit's state now,
 * 0 for the others.
 */
public final class ProviderMetrics {
  /** What a label may hold of a provider's code: anything else is {@code other}. */
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,48}");

  private record ErrorKey(String errorClass, String code) {}

  private final MeterRegistry registry;
  private final String namespace;
  private final String provider;
  private final String type;
  private final Map<String, Timer> calls = new ConcurrentHashMap<>();
  private final Map<ErrorKey, Counter> errors = new ConcurrentHashMap<>();
  private final AtomicReference<Supplier<Circuit>> circuit =
      new AtomicReference<>(() -> Circuit.CLOSED);

  public ProviderMetrics(MeterRegistry registry, String namespace, String provider, String type) {
    this.registry = registry;
    this.namespace = namespace;
    this.provider = provider;
    this.type = type;
    for (Circuit state : Circuit.values()) {
      Gauge.builder("herald.provider.circuit.state", circuit, c -> c.get().get() == state ? 1 : 0)
          .description("1 for the provider's circuit state now, 0 for the others")
          .tag("namespace", namespace)
          .tag("provider", provider)
          .tag("type", type)
          .tag("state", state.wireName())
          .register(registry);
    }
  }

  /** Meters that count into a registry nobody reads: for gates built outside a dispatcher. */
  public static ProviderMetrics discarded() {
    return new ProviderMetrics(new SimpleMeterRegistry(), "", "", "");
  }

  /** The gate whose circuit the gauge shows (a provider's gate is rebuilt when it changes). */
  public void circuit(Supplier<Circuit> state) {
    circuit.set(state);
  }

  /** A call that answered. */
  public void answered(SendResult result, long nanos) {
    switch (result) {
      case SendResult.Accepted a -> time("accepted", nanos);
      case SendResult.Retry r -> {
        time("retryable", nanos);
        error("retryable", r.code());
      }
      case SendResult.Permanent p -> {
        time("permanent", nanos);
        error("permanent", p.code());
      }
    }
  }

  /** A call that threw. */
  public void threw(RuntimeException e, long nanos) {
    time("exception", nanos);
    error("exception", e.getClass().getSimpleName());
  }

  private void time(String result, long nanos) {
    calls
        .computeIfAbsent(
            result,
            r ->
                Timer.builder("herald.provider.call")
                    .description("Calls of a provider's API and how long they took")
                    .tag("namespace", namespace)
                    .tag("provider", provider)
                    .tag("type", type)
                    .tag("result", r)
                    // Up to the longest send timeout a provider call is given by default.
                    .serviceLevelObjectives(
                        java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(100),
                        java.time.Duration.ofMillis(250),
                        java.time.Duration.ofMillis(500),
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(2),
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(15))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private void error(String errorClass, String code) {
    String label = code != null && CODE.matcher(code).matches() ? code : "other";
    errors
        .computeIfAbsent(
            new ErrorKey(errorClass, label),
            k ->
                Counter.builder("herald.provider.errors")
                    .description("Provider calls that failed, by class and the provider's code")
                    .tag("namespace", namespace)
                    .tag("provider", provider)
                    .tag("type", type)
                    .tag("error_class", errorClass)
                    .tag("code", label)
                    .register(registry))
        .increment();
  }
}
