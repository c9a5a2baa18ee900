package dev.herald.operator.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.api.provider.ProviderType;
import dev.herald.core.webpush.VapidKeyPair;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks that a provider's Secret holds well-formed credentials for its type. Problems name the
 * key and what is wrong with it, never its value.
 */
final class CredentialCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TWILIO_ACCOUNT = Pattern.compile("^AC[0-9a-fA-F]{32}$");
  private static final Pattern TWILIO_API_KEY = Pattern.compile("^SK[0-9a-fA-F]{32}$");

  private CredentialCheck() {}

  /** Everything wrong with the Secret's values, empty when they look usable. */
  static List<String> problems(ProviderType type, Map<String, String> secret) {
    List<String> problems = new ArrayList<>();
    switch (type) {
      case SENDGRID -> {
        String key = secret.get("apiKey");
        if (blank(key)) {
          problems.add("key apiKey is missing or empty");
        } else if (!key.strip().equals(key) || key.chars().anyMatch(Character::isWhitespace)) {
          problems.add("key apiKey contains whitespace");
        }
      }
      case TWILIO -> {
        String sid = secret.get("accountSid");
        if (blank(sid)) {
          problems.add("key accountSid is missing or empty");
        } else if (!TWILIO_ACCOUNT.matcher(sid.strip()).matches()) {
          problems.add("key accountSid is not an account SID (AC followed by 32 hex digits)");
        }
        boolean token = !blank(secret.get("authToken"));
        boolean apiKey = !blank(secret.get("apiKeySid")) && !blank(secret.get("apiKeySecret"));
        if (!token && !apiKey) {
          problems.add("needs key authToken, or keys apiKeySid and apiKeySecret");
        } else if (apiKey && !TWILIO_API_KEY.matcher(secret.get("apiKeySid").strip()).matches()) {
          problems.add("key apiKeySid is not an API key SID (SK followed by 32 hex digits)");
        }
      }
      case APNS -> {
        String pem = secret.get("signingKey");
        if (blank(pem)) {
          problems.add("key signingKey is missing or empty");
        } else if (!isPkcs8EcKey(pem)) {
          problems.add("key signingKey is not a PKCS#8 PEM EC private key (the .p8 file from Apple)");
        }
      }
      case FCM -> {
        String account = secret.get("serviceAccount");
        if (blank(account)) {
          problems.add("key serviceAccount is missing or empty");
        } else {
          problems.addAll(serviceAccountProblems(account));
        }
      }
      case WEBPUSH -> problems.addAll(VapidKeyPair.problems(secret));
    }
    return problems;
  }

  private static List<String> serviceAccountProblems(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      return List.of("key serviceAccount is not JSON");
    }
    List<String> problems = new ArrayList<>();
    if (!"service_account".equals(node.path("type").asText())) {
      problems.add("key serviceAccount: type is not service_account");
    }
    for (String field : List.of("project_id", "client_email", "private_key")) {
      if (node.path(field).asText().isBlank()) {
        problems.add("key serviceAccount: " + field + " is missing");
      }
    }
    return problems;
  }

  static boolean isPkcs8EcKey(String pem) {
    try {
      String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      return pem.contains("-----BEGIN PRIVATE KEY-----");
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
