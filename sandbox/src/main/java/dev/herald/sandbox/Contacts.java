package dev.herald.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.sandbox.postgres.PrivatePostgres;
import dev.herald.testkit.webpush.BrowserSubscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Loads the example contacts (examples/contacts.json) into the sandbox's contact store, registers
 * their iOS tokens with the APNs simulator, and subscribes a browser with the web push simulator
 * for each device that names a {@code webPushSubscription}. In a cluster, apps register users and
 * devices through Herald's HTTP API instead.
 */
final class Contacts {
  private Contacts() {}

  static int load(Path file, PrivatePostgres postgres, Simulators simulators)
      throws IOException, SQLException {
    if (!Files.exists(file)) {
      return 0;
    }
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    String namespace = root.path("namespace").asText();
    int users = 0;
    try (Connection c = postgres.connect()) {
      for (JsonNode user : root.path("users")) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "insert into users (tenant, user_id, email, phone, locale, time_zone, attributes)"
                    + " values (?, ?, ?, ?, ?, ?, cast(? as jsonb))")) {
          ps.setString(1, namespace);
          ps.setString(2, user.path("id").asText());
          ps.setString(3, text(user, "email"));
          ps.setString(4, text(user, "phone"));
          ps.setString(5, text(user, "locale"));
          ps.setString(6, text(user, "timeZone"));
          ps.setString(7, user.has("attributes") ? user.get("attributes").toString() : "{}");
          ps.executeUpdate();
        }
        for (JsonNode device : user.path("devices")) {
          String platform = device.path("platform").asText();
          String token = device.path("token").asText();
          String p256dh = null;
          String auth = null;
          if (device.hasNonNull("webPushSubscription")) {
            // A browser subscribed with the sandbox's push service simulator, as
            // pushManager.subscribe would.
            BrowserSubscription browser =
                simulators.webpush().subscribe(device.get("webPushSubscription").asText());
            token = browser.endpoint();
            p256dh = browser.p256dh();
            auth = browser.auth();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into devices (tenant, user_id, platform, token, p256dh, auth) values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, namespace);
            ps.setString(2, user.path("id").asText());
            ps.setString(3, platform);
            ps.setString(4, token);
            ps.setString(5, p256dh);
            ps.setString(6, auth);
            ps.executeUpdate();
          }
          if (platform.equals("ios")) {
            simulators.apns().registerToken("dev.herald.shop", token);
          }
        }
        users++;
      }
    }
    return users;
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }
}
