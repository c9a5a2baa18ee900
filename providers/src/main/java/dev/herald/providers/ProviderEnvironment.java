package dev.herald.providers;

import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.core.webpush.WebPushEndpoints;
import java.util.Optional;

/**
 * What the process gives every provider client beside a provider's own spec and Secret: which push
 * services web push may reach, and the one-click unsubscribe links e-mail carries (none when {@code
 * HERALD_UNSUBSCRIBE_KEY} is not configured).
 */
public record ProviderEnvironment(
    WebPushEndpoints webPushEndpoints, Optional<UnsubscribeLinks> unsubscribeLinks) {

  /** Public push services only and no unsubscribe links: enough for credential checks. */
  public static ProviderEnvironment checksOnly() {
    return new ProviderEnvironment(WebPushEndpoints.publicOnly(), Optional.empty());
  }
}
