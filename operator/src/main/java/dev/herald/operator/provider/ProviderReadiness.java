package dev.herald.operator.provider;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import java.util.Objects;

/** Whether a DeliveryProvider was checked at its current generation and found Ready. */
public final class ProviderReadiness {
  private ProviderReadiness() {}

  public static boolean isReady(DeliveryProvider provider) {
    DeliveryProviderStatus status = provider.getStatus();
    return status != null
        && status.isTrue(DeliveryProviderStatus.READY)
        && Objects.equals(status.getObservedGeneration(), provider.getMetadata().getGeneration());
  }

  /** The reason it is not Ready, for messages. */
  public static String reason(DeliveryProvider provider) {
    DeliveryProviderStatus status = provider.getStatus();
    if (status == null
        || !Objects.equals(
            status.getObservedGeneration(), provider.getMetadata().getGeneration())) {
      return "not checked yet";
    }
    return status
        .condition(DeliveryProviderStatus.READY)
        .map(c -> c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()))
        .orElse("not checked yet");
  }
}
