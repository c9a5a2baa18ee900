package dev.herald.core.store;

import dev.herald.api.Channel;
import dev.herald.core.webpush.WebPushKeys;
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
    jdbi.useHandle(
        h -> {
          Map<String, List<Contact.Device>> devices = new LinkedHashMap<>();
          h.createQuery(
                  """
              select user_id, platform, token from devices
              where tenant = :tenant and user_id = any(:ids) and active
              order by created_at""")
              .bind("tenant", tenant)
              .bindArray("ids", String.class, ids)
              .map(
                  (rs, ctx) ->
                      devices
                          .computeIfAbsent(rs.getString("user_id"), k -> new ArrayList<>())
                          .add(new Contact.Device(rs.getString("platform"), rs.getString("token"))))
              .list();
          h.createQuery(
                  """
              select user_id, email, phone, locale from users
              where tenant = :tenant and user_id = any(:ids)""")
              .bind("tenant", tenant)
              .bindArray("ids", String.class, ids)
              .map(
                  (rs, ctx) ->
                      new Contact(
                          rs.getString("user_id"),
                          rs.getString("email"),
                          rs.getString("phone"),
                          rs.getString("locale"),
                          List.copyOf(devices.getOrDefault(rs.getString("user_id"), List.of()))))
              .forEach(c -> found.put(c.userId(), c));
        });
    return found;
  }

  /** Which of these addresses are suppressed on the channel, with the reason. */
  public Map<String, String> suppressed(
      String tenant, Channel channel, Collection<String> addresses) {
    Map<String, String> result = new LinkedHashMap<>();
    if (addresses.isEmpty()) {
      return result;
    }
    Set<String> unique = new HashSet<>(addresses);
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
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
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            update devices set active = false, invalidated_reason = :reason, invalidated_at = now(), updated_at = now()
            where tenant = :tenant and platform = :platform and token = :token and active""")
                .bind("tenant", tenant)
                .bind("platform", platform)
                .bind("token", token)
                .bind("reason", reason)
                .execute());
  }

  /** Stops all sends to an address on a channel; the first reason recorded stays. */
  public void suppress(String tenant, Channel channel, String address, String reason) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            insert into suppressions (tenant, channel, address, reason) values (:tenant, :channel, :address, :reason)
            on conflict do nothing""")
                .bind("tenant", tenant)
                .bind("channel", channel.wireName())
                .bind("address", address)
                .bind("reason", reason)
                .execute());
  }

  /** Creates or replaces a user's contact data; returns whether the user was created. */
  public boolean upsertUser(
      String tenant,
      String userId,
      String email,
      String phone,
      String locale,
      String timeZone,
      com.fasterxml.jackson.databind.JsonNode attributes) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            insert into users (tenant, user_id, email, phone, locale, time_zone, attributes)
            values (:tenant, :userId, :email, :phone, :locale, :timeZone, cast(:attributes as jsonb))
            on conflict (tenant, user_id) do update set email = excluded.email, phone = excluded.phone,
              locale = excluded.locale, time_zone = excluded.time_zone, attributes = excluded.attributes,
              updated_at = now()
            returning (xmax = 0) as created""")
                .bind("tenant", tenant)
                .bind("userId", userId)
                .bind("email", email)
                .bind("phone", phone)
                .bind("locale", locale)
                .bind("timeZone", timeZone)
                .bind(
                    "attributes",
                    attributes == null ? "{}" : dev.herald.core.Json.write(attributes))
                .mapTo(Boolean.class)
                .one());
  }

  public java.util.Optional<UserRecord> user(String tenant, String userId) {
    return jdbi.withHandle(
        h -> {
          List<UserRecord.DeviceRecord> devices =
              h.createQuery(
                      """
              select platform, token, active, invalidated_reason from devices
              where tenant = :tenant and user_id = :userId order by created_at""")
                  .bind("tenant", tenant)
                  .bind("userId", userId)
                  .map(
                      (rs, ctx) ->
                          new UserRecord.DeviceRecord(
                              rs.getString("platform"),
                              rs.getString("token"),
                              rs.getBoolean("active"),
                              rs.getString("invalidated_reason")))
                  .list();
          return h.createQuery(
                  """
              select user_id, email, phone, locale, time_zone, attributes::text as attributes from users
              where tenant = :tenant and user_id = :userId""")
              .bind("tenant", tenant)
              .bind("userId", userId)
              .map(
                  (rs, ctx) ->
                      new UserRecord(
                          rs.getString("user_id"),
                          rs.getString("email"),
                          rs.getString("phone"),
                          rs.getString("locale"),
                          rs.getString("time_zone"),
                          dev.herald.core.Json.read(
                              rs.getString("attributes"),
                              com.fasterxml.jackson.databind.JsonNode.class),
                          devices))
              .findOne();
        });
  }

  /**
   * Erases a user: the contact row with its devices and preferences, and the addresses of every
   * delivery made to them (replaced by a placeholder unique per delivery); deliveries not yet sent
   * are cancelled, including those a dispatcher holds (it checks again before its provider call
   * when it has held one for a while). Suppressions stay: they are what keeps the address from
   * being used again. Returns whether the user existed.
   */
  public boolean deleteUser(String tenant, String userId) {
    return jdbi.inTransaction(
        h -> {
          // First: it waits for a notification being accepted for this user (which holds the user's
          // row) to commit, so that the statements below see its deliveries too.
          boolean existed =
              h.createUpdate("delete from users where tenant = :tenant and user_id = :userId")
                      .bind("tenant", tenant)
                      .bind("userId", userId)
                      .execute()
                  > 0;
          h.createUpdate(
                  """
              update deliveries set state = 'cancelled', updated_at = now()
              where tenant = :tenant and user_id = :userId and state in ('pending', 'queued', 'sending')""")
              .bind("tenant", tenant)
              .bind("userId", userId)
              .execute();
          h.createUpdate(
                  """
              update deliveries set address = 'erased:' || id::text, locale = null, updated_at = now()
              where tenant = :tenant and user_id = :userId and address not like 'erased:%'""")
              .bind("tenant", tenant)
              .bind("userId", userId)
              .execute();
          return existed;
        });
  }

  /**
   * Registers (or re-activates, or moves to this user) a device token; false if the user does not
   * exist.
   */
  public boolean addDevice(String tenant, String userId, String platform, String token) {
    return addDevice(tenant, userId, platform, token, null);
  }

  /**
   * Registers a device; {@code webPushKeys} are a Web Push subscription's (its endpoint is the
   * token), null for a token. A subscription registered again takes the keys given now.
   */
  public boolean addDevice(
      String tenant, String userId, String platform, String token, WebPushKeys webPushKeys) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            insert into devices (tenant, platform, token, user_id, p256dh, auth)
            select :tenant, :platform, :token, user_id, :p256dh, :auth from users
            where tenant = :tenant and user_id = :userId
            on conflict (tenant, platform, token) do update set user_id = excluded.user_id, active = true,
              p256dh = excluded.p256dh, auth = excluded.auth,
              invalidated_reason = null, invalidated_at = null, updated_at = now()""")
                    .bind("tenant", tenant)
                    .bind("userId", userId)
                    .bind("platform", platform)
                    .bind("token", token)
                    .bind("p256dh", webPushKeys == null ? null : webPushKeys.p256dh())
                    .bind("auth", webPushKeys == null ? null : webPushKeys.auth())
                    .execute()
                > 0);
  }

  /** Unregisters a device of a user; returns whether it existed. */
  public boolean removeDevice(String tenant, String userId, String platform, String token) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            delete from devices where tenant = :tenant and user_id = :userId and platform = :platform and token = :token""")
                    .bind("tenant", tenant)
                    .bind("userId", userId)
                    .bind("platform", platform)
                    .bind("token", token)
                    .execute()
                > 0);
  }

  /** Replaces all of a user's preferences; false if the user does not exist. */
  public boolean replacePreferences(String tenant, String userId, List<Preference> preferences) {
    return jdbi.inTransaction(
        h -> {
          boolean exists =
              h.createQuery(
                          "select count(*) from users where tenant = :tenant and user_id = :userId")
                      .bind("tenant", tenant)
                      .bind("userId", userId)
                      .mapTo(Long.class)
                      .one()
                  > 0;
          if (!exists) {
            return false;
          }
          h.createUpdate("delete from preferences where tenant = :tenant and user_id = :userId")
              .bind("tenant", tenant)
              .bind("userId", userId)
              .execute();
          var batch =
              h.prepareBatch(
                  """
          insert into preferences (tenant, user_id, channel, category, opted_in)
          values (:tenant, :userId, :channel, :category, :optedIn)""");
          for (Preference p : preferences) {
            batch
                .bind("tenant", tenant)
                .bind("userId", userId)
                .bind("channel", p.channel())
                .bind("category", p.category())
                .bind("optedIn", p.optedIn())
                .add();
          }
          if (!preferences.isEmpty()) {
            batch.execute();
          }
          return true;
        });
  }

  /** The preferences of these users, by user id. */
  public Map<String, List<Preference>> preferences(String tenant, Collection<String> userIds) {
    Map<String, List<Preference>> result = new LinkedHashMap<>();
    if (userIds.isEmpty()) {
      return result;
    }
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
            select user_id, channel, category, opted_in from preferences
            where tenant = :tenant and user_id = any(:ids) order by channel, category""")
                .bind("tenant", tenant)
                .bindArray("ids", String.class, List.copyOf(new HashSet<>(userIds)))
                .map(
                    (rs, ctx) ->
                        result
                            .computeIfAbsent(rs.getString("user_id"), k -> new ArrayList<>())
                            .add(
                                new Preference(
                                    rs.getString("channel"),
                                    rs.getString("category"),
                                    rs.getBoolean("opted_in"))))
                .list());
    return result;
  }

  /**
   * Whether a user with these preferences has opted out of a channel for a category: the most
   * specific matching preference decides; none means opted in.
   */
  public static boolean optedOut(List<Preference> preferences, Channel channel, String category) {
    return preferences.stream()
        .filter(p -> p.appliesTo(channel.wireName(), category))
        .max(java.util.Comparator.comparingInt(Preference::specificity))
        .map(p -> !p.optedIn())
        .orElse(false);
  }

  public List<Suppression> suppressions(String tenant, Channel channel, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
            select channel, address, reason, created_at from suppressions
            where tenant = :tenant and (cast(:channel as text) is null or channel = :channel)
            order by created_at, address limit :limit""")
                .bind("tenant", tenant)
                .bind("channel", channel == null ? null : channel.wireName())
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new Suppression(
                            rs.getString("channel"),
                            rs.getString("address"),
                            rs.getString("reason"),
                            rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant()))
                .list());
  }

  /**
   * Lifts a suppression (for example after a user re-confirmed an address); returns whether it
   * existed.
   */
  public boolean unsuppress(String tenant, Channel channel, String address) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        "delete from suppressions where tenant = :tenant and channel = :channel and address = :address")
                    .bind("tenant", tenant)
                    .bind("channel", channel.wireName())
                    .bind("address", address)
                    .execute()
                > 0);
  }

  /** Sets one preference of a user (if the user exists); returns whether it was written. */
  public boolean setPreference(String tenant, String userId, Preference p) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            insert into preferences (tenant, user_id, channel, category, opted_in)
            select :tenant, user_id, :channel, :category, :optedIn from users where tenant = :tenant and user_id = :userId
            on conflict (tenant, user_id, channel, category) do update set opted_in = excluded.opted_in, updated_at = now()""")
                    .bind("tenant", tenant)
                    .bind("userId", userId)
                    .bind("channel", p.channel())
                    .bind("category", p.category())
                    .bind("optedIn", p.optedIn())
                    .execute()
                > 0);
  }

  /**
   * Lifts a suppression only if it was made for {@code reason} (an SMS START lifts only a STOP).
   */
  public boolean unsuppress(String tenant, Channel channel, String address, String reason) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
            delete from suppressions where tenant = :tenant and channel = :channel and address = :address and reason = :reason""")
                    .bind("tenant", tenant)
                    .bind("channel", channel.wireName())
                    .bind("address", address)
                    .bind("reason", reason)
                    .execute()
                > 0);
  }

  /** Where a bulk import writes its valid rows, one at a time, as they are read. */
  public interface ImportSink {
    void add(
        long line,
        String userId,
        String email,
        String phone,
        String locale,
        String timeZone,
        String attributesJson);
  }

  /** How many distinct users a bulk import created and updated. */
  public record ImportResult(long created, long updated) {}

  /**
   * Upserts users streamed by {@code rows} in one transaction: rows are COPY'd into a temporary
   * table as they come (nothing is held in memory), then merged into {@code users}; an id given
   * twice takes its last row. If {@code rows} throws, nothing is written.
   */
  public ImportResult importUsers(String tenant, java.util.function.Consumer<ImportSink> rows) {
    return jdbi.inTransaction(
        h -> {
          h.execute(
              """
          create temp table import_users (line bigint, user_id text, email text, phone text, locale text,
            time_zone text, attributes text) on commit drop""");
          copyRows(h, rows);
          return h.createQuery(
                  """
              with merged as (
                insert into users (tenant, user_id, email, phone, locale, time_zone, attributes)
                select distinct on (user_id) :tenant, user_id, email, phone, locale, time_zone,
                  coalesce(cast(attributes as jsonb), '{}')
                from import_users order by user_id, line desc
                on conflict (tenant, user_id) do update set email = excluded.email, phone = excluded.phone,
                  locale = excluded.locale, time_zone = excluded.time_zone, attributes = excluded.attributes,
                  updated_at = now()
                returning (xmax = 0) as created)
              select count(*) filter (where created) as created, count(*) filter (where not created) as updated
              from merged""")
              .bind("tenant", tenant)
              .map((rs, ctx) -> new ImportResult(rs.getLong("created"), rs.getLong("updated")))
              .one();
        });
  }

  private static void copyRows(
      org.jdbi.v3.core.Handle h, java.util.function.Consumer<ImportSink> rows) {
    org.postgresql.copy.CopyIn copy = null;
    try {
      copy =
          h.getConnection()
              .unwrap(org.postgresql.PGConnection.class)
              .getCopyAPI()
              .copyIn("copy import_users from stdin (format csv)");
      CsvRows out = new CsvRows(copy);
      rows.accept(out);
      out.flush();
      copy.endCopy();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("COPY failed", e);
    } finally {
      try {
        if (copy != null && copy.isActive()) {
          copy.cancelCopy();
        }
      } catch (java.sql.SQLException e) {
        // the transaction is rolled back anyway
      }
    }
  }

  /** Rows CSV-encoded into a COPY in chunks of about 64 KiB. */
  private static final class CsvRows implements ImportSink {
    private final org.postgresql.copy.CopyIn copy;
    private final StringBuilder chunk = new StringBuilder(70_000);

    CsvRows(org.postgresql.copy.CopyIn copy) {
      this.copy = copy;
    }

    @Override
    public void add(
        long line,
        String userId,
        String email,
        String phone,
        String locale,
        String timeZone,
        String attributesJson) {
      chunk.append(line);
      for (String v : new String[] {userId, email, phone, locale, timeZone, attributesJson}) {
        chunk.append(',');
        if (v != null) {
          chunk.append('"').append(v.replace("\"", "\"\"")).append('"');
        }
      }
      chunk.append('\n');
      if (chunk.length() >= 64 * 1024) {
        flush();
      }
    }

    void flush() {
      if (chunk.isEmpty()) {
        return;
      }
      byte[] bytes = chunk.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try {
        copy.writeToCopy(bytes, 0, bytes.length);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("COPY failed", e);
      }
      chunk.setLength(0);
    }
  }
}
