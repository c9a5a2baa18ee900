package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.core.store.Contact;
import dev.herald.core.store.Preference;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A namespace's contact store in memory: users, suppressed addresses and preferences, as fan-out
 * reads them.
 */
final class InMemoryContacts implements ContactDirectory, UserPreferences {
  private final Map<String, Contact> users = new LinkedHashMap<>();
  private final Map<Channel, Map<String, String>> suppressed = new HashMap<>();
  private final Map<String, List<Preference>> preferences = new HashMap<>();

  InMemoryContacts user(
      String id, String email, String phone, String locale, Contact.Device... devices) {
    users.put(id, new Contact(id, email, phone, locale, List.of(devices)));
    return this;
  }

  InMemoryContacts suppress(Channel channel, String address, String reason) {
    suppressed.computeIfAbsent(channel, c -> new HashMap<>()).put(address, reason);
    return this;
  }

  InMemoryContacts prefer(String userId, Preference... chosen) {
    preferences.put(userId, List.of(chosen));
    return this;
  }

  @Override
  public Map<String, Contact> findUsers(String tenant, Collection<String> userIds) {
    Map<String, Contact> found = new HashMap<>();
    userIds.stream().filter(users::containsKey).forEach(id -> found.put(id, users.get(id)));
    return found;
  }

  @Override
  public Map<String, String> suppressed(
      String tenant, Channel channel, Collection<String> addresses) {
    Map<String, String> onChannel = suppressed.getOrDefault(channel, Map.of());
    Map<String, String> found = new HashMap<>();
    addresses.stream().filter(onChannel::containsKey).forEach(a -> found.put(a, onChannel.get(a)));
    return found;
  }

  @Override
  public Map<String, List<Preference>> get(String tenant, Collection<String> userIds) {
    Map<String, List<Preference>> found = new HashMap<>();
    userIds.forEach(id -> found.put(id, preferences.getOrDefault(id, List.of())));
    return found;
  }
}
