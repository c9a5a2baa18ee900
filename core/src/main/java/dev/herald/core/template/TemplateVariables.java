package dev.herald.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables a template sees: the notification's {@code data} at top level, and {@code
 * recipient} ({@code id}, {@code address}, {@code channel}, {@code locale}). JSON is turned into
 * plain maps, lists and scalars so that templates reach no Java object's methods.
 */
public final class TemplateVariables {
  private TemplateVariables() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> of(JsonNode data, Recipient recipient) {
    Map<String, Object> vars = new LinkedHashMap<>();
    if (data != null && data.isObject()) {
      vars.putAll(Json.MAPPER.convertValue(data, Map.class));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", recipient.userId());
    r.put("address", recipient.address());
    r.put("channel", recipient.channel());
    r.put("locale", recipient.locale());
    vars.put("recipient", r);
    return vars;
  }

  /** What a template may know about the person it is rendered for. */
  public record Recipient(String userId, String address, String channel, String locale) {}
}
