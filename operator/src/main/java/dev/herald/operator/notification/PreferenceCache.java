package dev.herald.operator.notification;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.Preference;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Users' preferences as read at fan-out, cached so that a send to many users does not read them one
 * query each time. This replica invalidates a user on every change it makes; changes made through
 * another replica are seen here within {@code ttl}, and by the dispatcher at once: it reads
 * preferences again from Postgres as it claims each delivery.
 */
public final class PreferenceCache implements UserPreferences {
  private record Key(String tenant, String userId) {}

  private final ContactStore contacts;
  private final Cache<Key, List<Preference>> cache;

  public PreferenceCache(ContactStore contacts, Duration ttl, long maxUsers) {
    this.contacts = contacts;
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxUsers).build();
  }

  @Override
  public Map<String, List<Preference>> get(String tenant, Collection<String> userIds) {
    Set<Key> keys = new HashSet<>();
    userIds.forEach(u -> keys.add(new Key(tenant, u)));
    Map<Key, List<Preference>> found =
        cache.getAll(
            keys,
            missing -> {
              List<String> ids = missing.stream().map(Key::userId).toList();
              Map<String, List<Preference>> read = contacts.preferences(tenant, ids);
              Map<Key, List<Preference>> loaded = new LinkedHashMap<>();
              ids.forEach(
                  id ->
                      loaded.put(
                          new Key(tenant, id), List.copyOf(read.getOrDefault(id, List.of()))));
              return loaded;
            });
    Map<String, List<Preference>> result = new LinkedHashMap<>();
    found.forEach((k, v) -> result.put(k.userId(), v));
    return result;
  }

  public void invalidate(String tenant, String userId) {
    cache.invalidate(new Key(tenant, userId));
  }
}
