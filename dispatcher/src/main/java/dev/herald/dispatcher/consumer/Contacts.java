package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.core.store.Contact;
import dev.herald.core.store.ContactStore;
import java.util.Collection;
import java.util.Map;

/**
 * What the dispatcher reads and marks in the contact store: users' addresses (for a fallback), and
 * an address a provider refused for good.
 */
interface Contacts {

  /** The users among {@code userIds} that exist, by id. */
  Map<String, Contact> findUsers(String tenant, Collection<String> userIds);

  /** A push token the provider says is gone: no delivery is sent to it again. */
  void deactivateDevice(String tenant, String platform, String token, String reason);

  /** An address nothing is sent to again until it is unsuppressed. */
  void suppress(String tenant, Channel channel, String address, String reason);

  /** The contact store in Postgres. */
  static Contacts of(ContactStore store) {
    return new Contacts() {
      @Override
      public Map<String, Contact> findUsers(String tenant, Collection<String> userIds) {
        return store.findUsers(tenant, userIds);
      }

      @Override
      public void deactivateDevice(String tenant, String platform, String token, String reason) {
        store.deactivateDevice(tenant, platform, token, reason);
      }

      @Override
      public void suppress(String tenant, Channel channel, String address, String reason) {
        store.suppress(tenant, channel, address, reason);
      }
    };
  }
}
