package dev.herald.testkit;

import dev.herald.api.provider.ProviderType;
import java.util.Map;

/**
 * A provider's simulator as a DeliveryProvider points at it: its type, the {@code spec.endpoint}
 * to set, and what the provider's Secret must hold for the simulator to accept it. The sandbox,
 * the bench and the fault suite configure providers from this alone.
 */
public interface ProviderSimulator extends AutoCloseable {

  ProviderType type();

  /** The {@code spec.endpoint} that reaches this simulator, or null when the type sends to each device's own. */
  String endpoint();

  /** The Secret's values that this simulator accepts. */
  Map<String, String> credentials();

  @Override
  void close();
}
