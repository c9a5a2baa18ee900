package dev.herald.core.store;

import dev.herald.api.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Reads of users, their devices and address suppressions, one query per kind for a whole list. */
public final class ContactStore {
  private final Jdbi jdbi;

  public ContactStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The named users of a tenant that exist, by id, with their active devices. */
  public Map<String, Contact> findUsers(String tenant, Collection<String> userIds) {
    Map<String, Contact> found = new LinkedHashMap<>();
    if (userIds.isEmpty()) {
      return found;
    }
    List<String> ids = List.copyOf(new HashSet<>(userIds));
    jdbi.useHandle(h -> {
      Map<String, List<Contact.Device>> devices = new LinkedHashMap<>();
      h.createQuery("""
              select user_id, platform, token from devices
              where tenant = :tenant and user_id = any(:ids) and active
              order by created_at""")
          .bind("tenant", tenant)
          .bindArray("ids", String.class, ids)
          .map((rs, ctx) -> devices.computeIfAbsent(rs.getString("user_id"), k -> new ArrayList<>())
              .add(new Contact.Device(rs.getString("platform"), rs.getString("token"))))
          .list();
      h.createQuery("""
              select user_id, email, phone, locale from users
              where tenant = :tenant and user_id = any(:ids)""")
          .bind("tenant", tenant)
          .bindArray("ids", String.class, ids)
          .map((rs, ctx) -> new Contact(rs.getString("user_id"), rs.getString("email"),
              rs.getString("phone"), rs.getString("locale"),
              List.copyOf(devices.getOrDefault(rs.getString("user_id"), List.of()))))
          .forEach(c -> found.put(c.userId(), c));
    });
    return found;
  }

  /** Which of these addresses are suppressed on the channel, with the reason. */
  public Map<String, String> suppressed(String tenant, Channel channel, Collection<String> addresses) {
    Map<String, String> result = new LinkedHashMap<>();
    if (addresses.isEmpty()) {
      return result;
    }
    Set<String> unique = new HashSet<>(addresses);
    jdbi.useHandle(h -> h.createQuery("""
            select address, reason from suppressions
            where tenant = :tenant and channel = :channel and address = any(:addresses)""")
        .bind("tenant", tenant)
        .bind("channel", channel.wireName())
        .bindArray("addresses", String.class, List.copyOf(unique))
        .map((rs, ctx) -> result.put(rs.getString("address"), rs.getString("reason")))
        .list());
    return result;
  }

  /** Marks a device token dead (the provider said it is invalid or gone); later sends skip it. */
  public void deactivateDevice(String tenant, String platform, String token, String reason) {
    jdbi.useHandle(h -> h.createUpdate("""
            update devices set active = false, invalidated_reason = :reason, invalidated_at = now(), updated_at = now()
            where tenant = :tenant and platform = :platform and token = :token and active""")
        .bind("tenant", tenant).bind("platform", platform).bind("token", token).bind("reason", reason)
        .execute());
  }

  /** Stops all sends to an address on a channel; the first reason recorded stays. */
  public void suppress(String tenant, Channel channel, String address, String reason) {
    jdbi.useHandle(h -> h.createUpdate("""
            insert into suppressions (tenant, channel, address, reason) values (:tenant, :channel, :address, :reason)
            on conflict do nothing""")
        .bind("tenant", tenant).bind("channel", channel.wireName()).bind("address", address).bind("reason", reason)
        .execute());
  }
}
