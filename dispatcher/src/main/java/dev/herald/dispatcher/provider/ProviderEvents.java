package dev.herald.dispatcher.provider;

import dev.herald.api.Channel;

/** What the registry tells the rest of the dispatcher about providers, as it happens. */
public interface ProviderEvents {
  /** A provider's circuit in this process changed state. */
  void circuitChanged(
      String namespace,
      String provider,
      Channel channel,
      ProviderGate.Circuit from,
      ProviderGate.Circuit to,
      String lastError);

  /**
   * A provider of the channel became Ready in the namespace (created, fixed, or its Secret
   * appeared).
   */
  void becameReady(String namespace, Channel channel);
}
