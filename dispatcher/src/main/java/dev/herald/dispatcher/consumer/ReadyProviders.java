package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.dispatcher.provider.ProviderRegistry;
import java.util.List;

/** The providers a delivery may go through now ({@link ProviderRegistry#ready} in production). */
@FunctionalInterface
interface ReadyProviders {

  /**
   * Ready providers of the namespace for the channel that can reach {@code address}, in the order
   * they are tried.
   */
  List<ProviderRegistry.Candidate> ready(
      String namespace, Channel channel, String platform, String address);
}
