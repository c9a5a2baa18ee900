package dev.herald.core;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A Secret's values, decoded in memory only, for the moment they are needed. */
public final class SecretValues {
  private SecretValues() {}

  /**
   * {@code data} decoded from base64 (a value that is not base64 reads as empty), then {@code
   * stringData}.
   */
  public static Map<String, String> of(Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) -> {
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

  /**
   * What a Secret holds as far as it can be read, and what cannot be read, by key (never by value).
   */
  public record Readout(Map<String, String> values, List<String> problems) {}

  /**
   * Reads a Secret as the API returned it, whatever its shape: an API server that enforced no
   * schema may hand back {@code data} that fabric8's {@link Secret} cannot be read from, and an
   * informer of {@code Secret} stops on the first such object. Values that are not strings (or not
   * base64 in {@code data}) are left out and named in {@code problems}.
   */
  public static Readout read(GenericKubernetesResource secret) {
    Map<String, String> values = new HashMap<>();
    List<String> problems = new ArrayList<>();
    Map<String, Object> fields = secret.getAdditionalProperties();
    readMap(fields.get("data"), "data", true, values, problems);
    readMap(fields.get("stringData"), "stringData", false, values, problems);
    return new Readout(values, List.copyOf(problems));
  }

  private static void readMap(
      Object map, String field, boolean base64, Map<String, String> values, List<String> problems) {
    if (map == null) {
      return;
    }
    if (!(map instanceof Map<?, ?> entries)) {
      problems.add(field + " is not a map of strings");
      return;
    }
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            return;
          }
          if (!(v instanceof String text)) {
            problems.add(field + "." + k + " is not a string");
            return;
          }
          if (!base64) {
            values.put(String.valueOf(k), text);
            return;
          }
          try {
            values.put(
                String.valueOf(k),
                new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            problems.add(field + "." + k + " is not base64");
          }
        });
  }
}
