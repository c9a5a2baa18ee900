package dev.herald.e2e;

import static org.awaitility.Awaitility.await;

import dev.herald.testkit.tokens.BackendSigningKey;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/** API keys and user-token keys as labelled Secrets, and row counts, for the API tests. */
final class ApiFixtures {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String USER_TOKEN = "X-Herald-User-Token";

  private ApiFixtures() {}

  static String newKey() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return "hk_" + HexFormat.of().formatHex(b);
  }

  /** Creates (or replaces) a key Secret and waits until the API accepts the key. */
  static String apiKey(
      HeraldEnvironment env, ApiClient api, String namespace, String name, String scopes) {
    String key = newKey();
    putKeySecret(env, namespace, name, key, scopes);
    awaitAccepted(api, key);
    return key;
  }

  static void putKeySecret(
      HeraldEnvironment env, String namespace, String name, String key, String scopes) {
    env.client()
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(namespace)
                        .addToLabels("herald.dev/api-key", "true")
                        .build())
                .withStringData(Map.of("key", key, "scopes", scopes))
                .build())
        .createOr(r -> r.update());
  }

  /**
   * Creates (or replaces) the tenant's user-token key Secret named by {@code key}'s kid, and waits
   * until a token it signs is verified for the client key {@code clientKey}.
   */
  static void userTokenKey(
      HeraldEnvironment env,
      ApiClient api,
      String namespace,
      BackendSigningKey key,
      String clientKey) {
    putUserTokenKeySecret(env, namespace, key.kid(), key.secretData());
    String probe = key.mint("probe", namespace, Duration.ofMinutes(5));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                api.send("GET", "/v1/users/probe/preferences", clientKey, null, asUser(probe))
                        .status()
                    == 404);
  }

  static void putUserTokenKeySecret(
      HeraldEnvironment env, String namespace, String name, Map<String, String> data) {
    env.client()
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(namespace)
                        .addToLabels("herald.dev/user-token-key", "true")
                        .build())
                .withStringData(data)
                .build())
        .createOr(r -> r.update());
  }

  /** The header of a client app's request for the user {@code token} speaks for. */
  static Map<String, String> asUser(String token) {
    return Map.of(USER_TOKEN, token);
  }

  static void awaitAccepted(ApiClient api, String key) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> api.get("/v1/users/nobody-" + key.substring(3, 9), key).status() != 401);
  }

  static void awaitRejected(ApiClient api, String key) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> api.get("/v1/users/nobody", key).status() == 401);
  }

  /** Rows of a tenant in every table the API writes. */
  static Map<String, Long> rows(HeraldEnvironment env, String tenant) {
    String[] tables = {
      "users", "devices", "preferences", "suppressions", "notifications", "deliveries"
    };
    String sql =
        java.util.Arrays.stream(tables)
            .map(t -> "select '" + t + "', count(*) from " + t + " where tenant = ?")
            .collect(java.util.stream.Collectors.joining(" union all "));
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (Connection c = env.database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 1; i <= tables.length; i++) {
        ps.setString(i, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }

  static long count(HeraldEnvironment env, String sql, Object... args) {
    try (Connection c = env.database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static int execute(HeraldEnvironment env, String sql, Object... args) {
    try (Connection c = env.database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static String string(HeraldEnvironment env, String sql, Object... args) {
    try (Connection c = env.database.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Twilio provider named {@code twilio} for the simulator, with its Secret. */
  static void twilioProvider(
      HeraldEnvironment env, String namespace, dev.herald.testkit.twilio.TwilioSimulator twilio) {
    env.secret(
        namespace,
        "twilio",
        Map.of("accountSid", twilio.accountSid(), "authToken", twilio.authToken()));
    dev.herald.api.provider.DeliveryProviderSpec sms =
        HeraldEnvironment.providerSpec(
            dev.herald.api.provider.ProviderType.TWILIO, "twilio", twilio.baseUrl());
    sms.setTwilio(new dev.herald.api.provider.TwilioSettings("+14155550100", null, null));
    env.provider(namespace, "twilio", sms);
  }

  /**
   * A template with e-mail ({@code subject}, {@code text} as HTML) and SMS ({@code text}) content.
   */
  static void template(
      HeraldEnvironment env,
      String namespace,
      String name,
      boolean critical,
      String subject,
      String text) {
    dev.herald.api.template.NotificationTemplate t =
        new dev.herald.api.template.NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    dev.herald.api.template.NotificationTemplateSpec spec =
        new dev.herald.api.template.NotificationTemplateSpec();
    spec.setEmail(
        new dev.herald.api.template.EmailContent(
            subject, "<p>" + text + "</p>", null, null, null, null));
    spec.setSms(new dev.herald.api.template.SmsContent(text, 1));
    spec.setCritical(critical);
    t.setSpec(spec);
    env.client().resource(t).create();
  }
}
