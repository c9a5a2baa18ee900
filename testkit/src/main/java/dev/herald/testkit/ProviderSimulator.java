package dev.herald.testkit;

import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import java.util.Map;

/**
 * A provider's simulator as a DeliveryProvider points at it: its type, the {@code spec.endpoint} to
 * set, and what the provider's Secret must hold for the simulator to accept it. The sandbox, the
 * bench and the fault suite configure providers from this alone.
 */
public interface ProviderSimulator extends AutoCloseable {

  ProviderType type();

  /**
   * The {@code spec.endpoint} that reaches this simulator, or null when the type sends to each
   * device's own.
   */
  String endpoint();

  /**
   * Points a DeliveryProvider's spec at this simulator: {@link #endpoint()} as {@code
   * spec.endpoint}, or what the type reaches its server by instead (an smtp provider's {@code
   * spec.smtp.host}).
   */
  default void pointAt(DeliveryProviderSpec spec) {
    spec.setEndpoint(endpoint());
  }

  /** The Secret's values that this simulator accepts. */
  Map<String, String> credentials();

  /** How many messages it has accepted so far (one per recipient, device or subscription). */
  int accepted();

  @Override
  void close();
}
