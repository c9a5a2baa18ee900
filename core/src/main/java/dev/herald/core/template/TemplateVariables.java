package dev.herald.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables a template sees: the notification's {@code data} at top level, {@code recipient}
 * ({@code id}, {@code address}, {@code channel}, {@code locale}) and {@code user}: the contact
 * store's user's attributes with its {@code id}, {@code locale} and {@code timeZone} (which win
 * over attributes of those names), empty for a raw address. {@code recipient} and {@code user} win
 * over keys of {@code data} of those names.
 *
 * <p>JSON is turned into plain maps, lists and scalars so that templates reach no Java object's
 * methods. A name {@code data} lacks fails the render (the renderer is strict); an attribute the
 * user lacks is missing and renders as nothing (see {@link UserValues}), so that no user's data
 * fails a send.
 */
public final class TemplateVariables {
  private TemplateVariables() {}

  /** With a user who has no attributes (only the recipient's id, when it has one). */
  public static Map<String, Object> of(JsonNode data, Recipient recipient) {
    return of(data, recipient, null);
  }

  /**
   * @param user the recipient's user as it is now, or null when the contact store has none (a raw
   *     address, or a user whose attributes are not at hand)
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> of(JsonNode data, Recipient recipient, User user) {
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
    Map<String, String> known = new LinkedHashMap<>();
    if (recipient.userId() != null) {
      known.put("id", recipient.userId());
      if (user != null) {
        known.put("locale", user.locale());
        known.put("timeZone", user.timeZone());
      }
    }
    vars.put(
        "user",
        UserValues.map(
            recipient.userId() == null || user == null ? null : user.attributes(), known));
    return vars;
  }

  /** What a template may know about the person it is rendered for. */
  public record Recipient(String userId, String address, String channel, String locale) {}

  /**
   * The contact store's user a delivery goes to: {@code attributes} a JSON object (or null for
   * none), {@code locale} and {@code timeZone} null where the user has none.
   */
  public record User(JsonNode attributes, String locale, String timeZone) {
    /** A user of whom nothing but the id is known. */
    public static final User NONE = new User(null, null, null);
  }
}
