package dev.herald.providers;

import dev.herald.api.provider.ProviderType;
import java.util.List;
import java.util.Map;

/**
 * Everything Herald knows about one provider type, in that type's package: the channel and devices
 * it serves, what its Secret must hold, and its client. {@link Providers} holds one of each;
 * nothing else in Herald decides by provider type.
 *
 * <p>The operator uses {@link #credentialProblems} and {@link #callbacks} only, and runs without
 * the providers' SDKs; {@link #client} needs the SDK, so only the dispatcher calls it.
 */
public interface Provider {

  ProviderType type();

  /**
   * Whether a client of this type can reach a push device of {@code platform} ({@code ios}, {@code
   * android}, {@code web}) at {@code address}. Only push providers are asked: a provider of e-mail
   * or SMS serves every address of its channel.
   */
  default boolean serves(String platform, String address) {
    return true;
  }

  /**
   * Everything wrong with a Secret's values for this type, empty when they look usable. Each
   * problem names the key and what is wrong with it, never the value.
   */
  List<String> credentialProblems(Map<String, String> secret);

  /**
   * A client for one configured provider. Throws {@link IllegalArgumentException} naming the key or
   * setting that cannot be used (never its value); deliveries then wait for a fixed provider.
   */
  ProviderClient client(ProviderConfig config);

  /**
   * The calls this provider makes to Herald (receipts, inbound messages), each verified before use.
   */
  default List<Callback> callbacks() {
    return List.of();
  }
}
