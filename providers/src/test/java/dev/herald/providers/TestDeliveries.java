package dev.herald.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SecretReference;
import dev.herald.api.queue.DeliveryMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/** Deliveries, provider configs and result checks shared by the adapter tests. */
public final class TestDeliveries {
  private TestDeliveries() {}

  public static DeliveryMessage delivery(
      Channel channel, String platform, String address, Priority priority, Instant expiresAt) {
    return new DeliveryMessage(
        UUID.randomUUID(),
        UUID.randomUUID(),
        Instant.now(),
        "shop",
        channel,
        platform,
        address,
        "u-1",
        "en",
        priority,
        expiresAt);
  }

  /**
   * A provider of {@code type} in namespace {@code shop}, its spec filled in by {@code settings}.
   */
  public static ProviderConfig config(
      ProviderType type,
      String endpoint,
      Consumer<DeliveryProviderSpec> settings,
      Map<String, String> secret,
      Duration timeout) {
    DeliveryProviderSpec spec = new DeliveryProviderSpec();
    spec.setType(type);
    spec.setSecretRef(new SecretReference("creds"));
    spec.setEndpoint(endpoint);
    settings.accept(spec);
    return new ProviderConfig("shop", type.wireName(), spec, secret, timeout);
  }

  /** Asserts a permanent failure with {@code code} and what it says about the address. */
  public static void assertPermanent(
      SendResult result, String code, SendResult.AddressVerdict verdict) {
    assertThat(result)
        .isInstanceOfSatisfying(
            SendResult.Permanent.class,
            p -> {
              assertThat(p.code()).isEqualTo(code);
              assertThat(p.address()).isEqualTo(verdict);
            });
  }

  /** Asserts a retry with {@code code}; returns it for more checks. */
  public static SendResult.Retry assertRetry(SendResult result, String code) {
    assertThat(result)
        .isInstanceOfSatisfying(SendResult.Retry.class, r -> assertThat(r.code()).isEqualTo(code));
    return (SendResult.Retry) result;
  }
}
