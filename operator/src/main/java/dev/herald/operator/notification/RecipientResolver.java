package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Recipient;
import dev.herald.core.store.Addresses;
import dev.herald.core.store.Contact;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.PhoneNumbers;
import dev.herald.core.store.Preference;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a notification's recipients into deliveries: one per user × channel × address (one per
 * active device for push), one per raw address on its own channel. A user without an address on a
 * channel, an unknown user and a suppressed address still get a row — {@code suppressed} or {@code
 * failed} with the reason — so that status accounts for every recipient. A user's preferences are
 * checked for every delivery (unless the template is critical): an opted-out one is written {@code
 * suppressed} as {@code opted_out}.
 */
public final class RecipientResolver {
  public static final String UNKNOWN_USER = "unknown_user";

  private final ContactDirectory contacts;
  private final UserPreferences preferences;

  public RecipientResolver(ContactStore contacts, PreferenceCache preferences) {
    this(ContactDirectory.of(contacts), preferences);
  }

  public RecipientResolver(ContactDirectory contacts, UserPreferences preferences) {
    this.contacts = contacts;
    this.preferences = preferences;
  }

  public List<NewDelivery> resolve(
      String tenant, List<Recipient> recipients, List<Channel> channels) {
    return resolve(
        tenant, recipients, channels, List.of(), NotificationAcceptance.DEFAULT_CATEGORY, false);
  }

  /**
   * As {@link #resolve(String, List, List)}; a user with no address on one of {@code channels} is
   * sent on the first channel of {@code fallback} (not already in {@code channels}) where they have
   * one — the unreachable channel still counts as suppressed, so status shows why.
   */
  public List<NewDelivery> resolve(
      String tenant,
      List<Recipient> recipients,
      List<Channel> channels,
      List<Channel> fallback,
      String category,
      boolean critical) {
    Set<Channel> wanted = Set.copyOf(channels);
    List<String> userIds =
        recipients.stream().map(Recipient::getUser).filter(u -> u != null).toList();
    Map<String, Contact> users = contacts.findUsers(tenant, userIds);

    // LinkedHashSet: the same user or address named twice gets one delivery.
    Set<NewDelivery> deliveries = new LinkedHashSet<>();
    for (Recipient r : recipients) {
      if (r.getUser() != null) {
        Contact c = users.get(r.getUser());
        for (Channel channel : channels) {
          if (c == null) {
            deliveries.add(
                new NewDelivery(
                    r.getUser(), channel, null, "", null, DeliveryState.FAILED, UNKNOWN_USER));
          } else {
            deliveries.addAll(c.deliveriesOn(channel));
            if (!c.hasAddress(channel)) {
              fallback.stream()
                  .filter(f -> !channels.contains(f) && c.hasAddress(f))
                  .findFirst()
                  .ifPresent(f -> deliveries.addAll(c.deliveriesOn(f)));
            }
          }
        }
      } else if (r.getEmail() != null && wanted.contains(Channel.EMAIL)) {
        deliveries.add(
            NewDelivery.pending(
                null, Channel.EMAIL, null, Addresses.normaliseEmail(r.getEmail()), null));
      } else if (r.getPhone() != null && wanted.contains(Channel.SMS)) {
        deliveries.add(NewDelivery.pending(null, Channel.SMS, null, r.getPhone(), null));
      }
    }
    List<NewDelivery> resolved = normalisePhones(new ArrayList<>(deliveries));
    return applySuppressions(
        tenant, critical ? resolved : applyPreferences(tenant, resolved, category));
  }

  /**
   * A user's delivery on a channel they opted out of for this category (or for everything) becomes
   * {@code suppressed} as {@code opted_out}. Templates marked critical skip this step.
   */
  private List<NewDelivery> applyPreferences(
      String tenant, List<NewDelivery> deliveries, String category) {
    Map<String, List<Preference>> prefs =
        preferences.get(
            tenant,
            deliveries.stream()
                .filter(d -> d.userId() != null && d.state() == DeliveryState.PENDING)
                .map(NewDelivery::userId)
                .toList());
    return deliveries.stream()
        .map(
            d ->
                d.state() == DeliveryState.PENDING
                        && d.userId() != null
                        && ContactStore.optedOut(
                            prefs.getOrDefault(d.userId(), List.of()), d.channel(), category)
                    ? new NewDelivery(
                        d.userId(),
                        d.channel(),
                        d.platform(),
                        d.address(),
                        d.locale(),
                        DeliveryState.SUPPRESSED,
                        DeliveryReasons.OPTED_OUT)
                    : d)
        .toList();
  }

  /**
   * Every SMS address is checked with libphonenumber before anything is queued: a valid one is
   * written in E.164, an invalid one fails at once as {@code invalid_address}.
   */
  private static List<NewDelivery> normalisePhones(List<NewDelivery> deliveries) {
    List<NewDelivery> result = new ArrayList<>(deliveries.size());
    for (NewDelivery d : deliveries) {
      if (d.channel() != Channel.SMS || d.state() != DeliveryState.PENDING) {
        result.add(d);
        continue;
      }
      String e164 = PhoneNumbers.e164(d.address());
      result.add(
          e164 == null
              ? new NewDelivery(
                  d.userId(),
                  d.channel(),
                  null,
                  d.address(),
                  d.locale(),
                  DeliveryState.FAILED,
                  DeliveryReasons.INVALID_ADDRESS)
              : new NewDelivery(
                  d.userId(), d.channel(), null, e164, d.locale(), d.state(), d.failureReason()));
    }
    return result;
  }

  private List<NewDelivery> applySuppressions(String tenant, List<NewDelivery> deliveries) {
    Map<Channel, List<String>> byChannel = new EnumMap<>(Channel.class);
    for (NewDelivery d : deliveries) {
      if (d.state() == DeliveryState.PENDING) {
        byChannel.computeIfAbsent(d.channel(), c -> new ArrayList<>()).add(d.address());
      }
    }
    Map<Channel, Map<String, String>> suppressed = new EnumMap<>(Channel.class);
    byChannel.forEach(
        (channel, addresses) ->
            suppressed.put(channel, contacts.suppressed(tenant, channel, addresses)));
    List<NewDelivery> result = new ArrayList<>(deliveries.size());
    for (NewDelivery d : deliveries) {
      String reason =
          d.state() == DeliveryState.PENDING
              ? suppressed.getOrDefault(d.channel(), Map.of()).get(d.address())
              : null;
      result.add(
          reason == null
              ? d
              : new NewDelivery(
                  d.userId(),
                  d.channel(),
                  d.platform(),
                  d.address(),
                  d.locale(),
                  DeliveryState.SUPPRESSED,
                  reason));
    }
    return result;
  }
}
