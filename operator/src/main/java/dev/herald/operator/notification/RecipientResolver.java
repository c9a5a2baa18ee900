package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Recipient;
import dev.herald.core.store.Contact;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.NewDelivery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a notification's recipients into deliveries: one per user × channel × address (one per
 * active device for push), one per raw address on its own channel. A user without an address on
 * a channel, an unknown user and a suppressed address still get a row — {@code suppressed} or
 * {@code failed} with the reason — so that status accounts for every recipient.
 */
public final class RecipientResolver {
  public static final String NO_ADDRESS = "no_address";
  public static final String UNKNOWN_USER = "unknown_user";

  private final ContactStore contacts;

  public RecipientResolver(ContactStore contacts) {
    this.contacts = contacts;
  }

  public List<NewDelivery> resolve(String tenant, List<Recipient> recipients, List<Channel> channels) {
    Set<Channel> wanted = Set.copyOf(channels);
    List<String> userIds = recipients.stream().map(Recipient::getUser).filter(u -> u != null).toList();
    Map<String, Contact> users = contacts.findUsers(tenant, userIds);

    // LinkedHashSet: the same user or address named twice gets one delivery.
    Set<NewDelivery> deliveries = new LinkedHashSet<>();
    for (Recipient r : recipients) {
      if (r.getUser() != null) {
        Contact c = users.get(r.getUser());
        for (Channel channel : channels) {
          if (c == null) {
            deliveries.add(new NewDelivery(r.getUser(), channel, null, "", null,
                DeliveryState.FAILED, UNKNOWN_USER));
          } else {
            addressesOf(c, channel, deliveries);
          }
        }
      } else if (r.getEmail() != null && wanted.contains(Channel.EMAIL)) {
        deliveries.add(NewDelivery.pending(null, Channel.EMAIL, null, normaliseEmail(r.getEmail()), null));
      } else if (r.getPhone() != null && wanted.contains(Channel.SMS)) {
        deliveries.add(NewDelivery.pending(null, Channel.SMS, null, r.getPhone(), null));
      }
    }
    return applySuppressions(tenant, new ArrayList<>(deliveries));
  }

  private static void addressesOf(Contact c, Channel channel, Set<NewDelivery> out) {
    switch (channel) {
      case EMAIL -> out.add(c.email() == null
          ? NewDelivery.suppressed(c.userId(), channel, NO_ADDRESS)
          : NewDelivery.pending(c.userId(), channel, null, normaliseEmail(c.email()), c.locale()));
      case SMS -> out.add(c.phone() == null
          ? NewDelivery.suppressed(c.userId(), channel, NO_ADDRESS)
          : NewDelivery.pending(c.userId(), channel, null, c.phone(), c.locale()));
      case PUSH -> {
        if (c.devices().isEmpty()) {
          out.add(NewDelivery.suppressed(c.userId(), channel, NO_ADDRESS));
        }
        for (Contact.Device d : c.devices()) {
          out.add(NewDelivery.pending(c.userId(), channel, d.platform(), d.token(), c.locale()));
        }
      }
    }
  }

  private List<NewDelivery> applySuppressions(String tenant, List<NewDelivery> deliveries) {
    Map<Channel, List<String>> byChannel = new EnumMap<>(Channel.class);
    for (NewDelivery d : deliveries) {
      if (d.state() == DeliveryState.PENDING) {
        byChannel.computeIfAbsent(d.channel(), c -> new ArrayList<>()).add(d.address());
      }
    }
    Map<Channel, Map<String, String>> suppressed = new EnumMap<>(Channel.class);
    byChannel.forEach((channel, addresses) ->
        suppressed.put(channel, contacts.suppressed(tenant, channel, addresses)));
    List<NewDelivery> result = new ArrayList<>(deliveries.size());
    for (NewDelivery d : deliveries) {
      String reason = d.state() == DeliveryState.PENDING
          ? suppressed.getOrDefault(d.channel(), Map.of()).get(d.address()) : null;
      result.add(reason == null ? d : new NewDelivery(d.userId(), d.channel(), d.platform(),
          d.address(), d.locale(), DeliveryState.SUPPRESSED, reason));
    }
    return result;
  }

  /** Domains are case-insensitive; local parts are kept as written. */
  static String normaliseEmail(String email) {
    String trimmed = email.trim();
    int at = trimmed.lastIndexOf('@');
    return at < 0 ? trimmed : trimmed.substring(0, at + 1) + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
