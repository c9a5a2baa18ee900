package dev.herald.providers;

import dev.herald.api.provider.ProviderType;
import dev.herald.providers.apns.ApnsProvider;
import dev.herald.providers.fcm.FcmProvider;
import dev.herald.providers.sendgrid.SendGridProvider;
import dev.herald.providers.smtp.SmtpProvider;
import dev.herald.providers.twilio.TwilioProvider;
import dev.herald.providers.vonage.VonageProvider;
import dev.herald.providers.webpush.WebPushProvider;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The provider types Herald ships, one {@link Provider} each. Adding a type is its package and one
 * line in {@link #of}; a type without a provider, or with two, fails at start-up.
 */
public final class Providers {
  private final Map<ProviderType, Provider> byType = new EnumMap<>(ProviderType.class);

  Providers(List<Provider> providers) {
    for (Provider p : providers) {
      if (byType.putIfAbsent(p.type(), p) != null) {
        throw new IllegalStateException("two providers of type " + p.type().wireName());
      }
    }
    for (ProviderType type : ProviderType.values()) {
      if (!byType.containsKey(type)) {
        throw new IllegalStateException("no provider of type " + type.wireName());
      }
    }
  }

  /** Every provider, its clients built in {@code environment}. */
  public static Providers of(ProviderEnvironment environment) {
    return new Providers(
        List.of(
            new SendGridProvider(environment.unsubscribeLinks()),
            new TwilioProvider(),
            new VonageProvider(),
            new ApnsProvider(),
            new FcmProvider(),
            new WebPushProvider(environment.webPushEndpoints()),
            new SmtpProvider(environment.unsubscribeLinks())));
  }

  /** For checking credentials only (the operator), where no client is built. */
  public static Providers forChecks() {
    return of(ProviderEnvironment.checksOnly());
  }

  public Provider of(ProviderType type) {
    return byType.get(type);
  }

  public Collection<Provider> all() {
    return byType.values();
  }
}
