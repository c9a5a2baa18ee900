package dev.herald.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.sandbox.postgres.PrivatePostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Loads the example contacts (examples/contacts.json) into the sandbox's contact store, and
 * registers their iOS tokens with the APNs simulator. In a cluster, apps register users and
 * devices through Herald's HTTP API instead.
 */
final class Contacts {
  private Contacts() {}

  static int load(Path file, PrivatePostgres postgres, Simulators simulators) throws IOException, SQLException {
    if (!Files.exists(file)) {
      return 0;
    }
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    String namespace = root.path("namespace").asText();
    int users = 0;
    try (Connection c = postgres.connect()) {
      for (JsonNode user : root.path("users")) {
        try (PreparedStatement ps = c.prepareStatement(
            "insert into users (tenant, user_id, email, phone, locale) values (?, ?, ?, ?, ?)")) {
          ps.setString(1, namespace);
          ps.setString(2, user.path("id").asText());
          ps.setString(3, text(user, "email"));
          ps.setString(4, text(user, "phone"));
          ps.setString(5, text(user, "locale"));
          ps.executeUpdate();
        }
        for (JsonNode device : user.path("devices")) {
          String platform = device.path("platform").asText();
          String token = device.path("token").asText();
          try (PreparedStatement ps = c.prepareStatement(
              "insert into devices (tenant, user_id, platform, token) values (?, ?, ?, ?)")) {
            ps.setString(1, namespace);
            ps.setString(2, user.path("id").asText());
            ps.setString(3, platform);
            ps.setString(4, token);
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
