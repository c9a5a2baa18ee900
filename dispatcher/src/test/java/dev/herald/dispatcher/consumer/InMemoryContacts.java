package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.core.store.Contact;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A contact store in memory: users, and the addresses and devices the dispatcher marked. */
final class InMemoryContacts implements Contacts {
  /** An address no longer sent to, and why. */
  record Mark(Channel channel, String address, String reason) {}

  private final Map<String, Contact> users = new HashMap<>();
  final List<Mark> suppressed = new CopyOnWriteArrayList<>();
  final List<String> deactivatedDevices = new CopyOnWriteArrayList<>();

  InMemoryContacts user(Contact contact) {
    users.put(contact.userId(), contact);
    return this;
  }

  @Override
  public Map<String, Contact> findUsers(String tenant, Collection<String> userIds) {
    Map<String, Contact> found = new HashMap<>();
    userIds.stream().filter(users::containsKey).forEach(id -> found.put(id, users.get(id)));
    return found;
  }

  @Override
  public void deactivateDevice(String tenant, String platform, String token, String reason) {
    deactivatedDevices.add(platform + ":" + token);
  }

  @Override
  public void suppress(String tenant, Channel channel, String address, String reason) {
    suppressed.add(new Mark(channel, address, reason));
  }
}
