package dev.herald.core;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A Secret's values, decoded in memory only, for the moment they are needed. */
public final class SecretValues {
  private SecretValues() {}

  /** {@code data} decoded from base64 (a value that is not base64 reads as empty), then {@code stringData}. */
  public static Map<String, String> of(Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> {
        try {
          values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          values.put(k, "");
        }
      });
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }
}
