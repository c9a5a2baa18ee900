package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.core.store.Contact;
import dev.herald.core.store.ContactStore;
import java.util.Collection;
import java.util.Map;

/**
 * What recipient resolution reads of a namespace's contact store: its users, and its suppressed
 * addresses.
 */
public interface ContactDirectory {

  /** The users among {@code userIds} that exist, by id; an unknown id is absent. */
  Map<String, Contact> findUsers(String tenant, Collection<String> userIds);

  /**
   * The suppressed ones among {@code addresses} on {@code channel}, each with why it is suppressed.
   */
  Map<String, String> suppressed(String tenant, Channel channel, Collection<String> addresses);

  /** The contact store in Postgres. */
  static ContactDirectory of(ContactStore store) {
    return new ContactDirectory() {
      @Override
      public Map<String, Contact> findUsers(String tenant, Collection<String> userIds) {
        return store.findUsers(tenant, userIds);
      }

      @Override
      public Map<String, String> suppressed(
          String tenant, Channel channel, Collection<String> addresses) {
        return store.suppressed(tenant, channel, addresses);
      }
    };
  }
}
