package dev.herald.core.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.api.campaign.CampaignAudience;
import dev.herald.api.campaign.UserSelector;
import dev.herald.api.campaign.UserSelectorRequirement;
import dev.herald.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * A Campaign's audience as a query over the contact store's users, read in keyset pages ({@code
 * user_id > checkpoint order by user_id limit n}) so that a run holds one page at a time, whatever
 * the audience's size, and a stopped run resumes after its checkpoint.
 *
 * <p><b>Selector semantics</b>, on the user's top-level {@code attributes} (keys are not paths):
 *
 * <ul>
 *   <li>A value {@code v} (of {@code matchLabels}, or of an {@code In}/{@code NotIn} requirement)
 *       matches an attribute that is the string {@code v}, or — where {@code v} is written as a
 *       JSON number or boolean ({@code 42}, {@code 4.5}, {@code true}) — an attribute that is that
 *       number (numerically: {@code 42} matches {@code 42.0}) or boolean. An attribute that is
 *       null, an array or an object matches no value.
 *   <li>{@code matchLabels}: every entry's key has a matching value.
 *   <li>{@code In}: the key has a value matching one of {@code values}; a user without the key is
 *       not selected.
 *   <li>{@code NotIn}: the key has no value matching any of {@code values} — as in Kubernetes label
 *       selectors, <em>a user without the key is selected</em> (and so is one whose value is null,
 *       an array or an object).
 *   <li>{@code Exists}: the key is present, whatever its value (null included); {@code
 *       DoesNotExist}: it is absent.
 *   <li>All entries and requirements must hold (an empty selector selects everyone; the schema
 *       refuses one).
 * </ul>
 *
 * Keys and values are bound as parameters, never written into the SQL. {@code matchLabels} and
 * {@code In} are JSON containment ({@code attributes @> ?}), which the GIN index {@code
 * users_attributes} serves. {@link #matches} is the same semantics evaluated in memory.
 */
public final class AudienceQuery {
  /** A user of the audience, with what the fan-out needs before reading their contact. */
  public record Member(String userId, String timeZone) {}

  private static final Pattern JSON_LITERAL =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?|true|false");

  private final String condition;
  private final List<String> jsonParams;
  private final List<String> textParams;
  private final List<String> userIds;

  private AudienceQuery(
      String condition, List<String> jsonParams, List<String> textParams, List<String> userIds) {
    this.condition = condition;
    this.jsonParams = jsonParams;
    this.textParams = textParams;
    this.userIds = userIds;
  }

  /**
   * The query of an audience: all users, the listed ids that exist, or the selector's matches.
   *
   * @throws IllegalArgumentException when the audience sets none of them
   */
  public static AudienceQuery of(CampaignAudience audience) {
    if (audience == null) {
      throw new IllegalArgumentException("spec.audience: not set");
    }
    if (Boolean.TRUE.equals(audience.getAll())) {
      return new AudienceQuery("true", List.of(), List.of(), null);
    }
    if (audience.getUsers() != null) {
      return new AudienceQuery(
          "user_id = any(:ids)", List.of(), List.of(), List.copyOf(audience.getUsers()));
    }
    if (audience.getSelector() != null) {
      return selector(audience.getSelector());
    }
    throw new IllegalArgumentException("spec.audience: set one of selector, users or all");
  }

  private static AudienceQuery selector(UserSelector s) {
    List<String> conditions = new ArrayList<>();
    List<String> json = new ArrayList<>();
    List<String> text = new ArrayList<>();
    if (s.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
        conditions.add(anyValue(e.getKey(), List.of(e.getValue()), json));
      }
    }
    if (s.getMatchExpressions() != null) {
      for (UserSelectorRequirement r : s.getMatchExpressions()) {
        if (r.getKey() == null || r.getOperator() == null) {
          throw new IllegalArgumentException(
              "spec.audience.selector: a requirement needs key and operator");
        }
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        switch (r.getOperator()) {
          case In -> conditions.add(anyValue(r.getKey(), values, json));
          case NotIn -> conditions.add("not " + anyValue(r.getKey(), values, json));
          case Exists -> {
            text.add(r.getKey());
            conditions.add("jsonb_exists(attributes, :t" + (text.size() - 1) + ")");
          }
          case DoesNotExist -> {
            text.add(r.getKey());
            conditions.add("not jsonb_exists(attributes, :t" + (text.size() - 1) + ")");
          }
        }
      }
    }
    String condition = conditions.isEmpty() ? "true" : String.join(" and ", conditions);
    return new AudienceQuery(condition, json, text, null);
  }

  /** {@code (attributes @> {key: v} or …)} over every JSON form of every value. */
  private static String anyValue(String key, List<String> values, List<String> json) {
    List<String> alternatives = new ArrayList<>();
    for (String v : values) {
      for (JsonNode form : forms(v)) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set(key, form);
        json.add(Json.write(o));
        alternatives.add("attributes @> cast(:j" + (json.size() - 1) + " as jsonb)");
      }
    }
    return alternatives.isEmpty() ? "false" : "(" + String.join(" or ", alternatives) + ")";
  }

  /** The JSON values a selector value matches: the string, and the number or boolean it spells. */
  static List<JsonNode> forms(String v) {
    List<JsonNode> forms = new ArrayList<>(2);
    forms.add(JsonNodeFactory.instance.textNode(v));
    if (v != null && JSON_LITERAL.matcher(v).matches()) {
      forms.add(Json.read(v, JsonNode.class));
    }
    return forms;
  }

  /**
   * The next page of the audience: up to {@code limit} users of {@code tenant} after {@code after}
   * (exclusive; null for the first page), in user id order. With {@code lockUsers}, the users read
   * are locked against erasure ({@code for key share}) until the transaction ends.
   */
  public List<Member> page(Handle h, String tenant, String after, int limit, boolean lockUsers) {
    Query q =
        h.createQuery(
                "select user_id, time_zone from users where tenant = :tenant and user_id > :after and ("
                    + condition
                    + ") order by user_id limit :limit"
                    + (lockUsers ? " for key share" : ""))
            .bind("tenant", tenant)
            .bind("after", after == null ? "" : after)
            .bind("limit", limit);
    for (int i = 0; i < jsonParams.size(); i++) {
      q.bind("j" + i, jsonParams.get(i));
    }
    for (int i = 0; i < textParams.size(); i++) {
      q.bind("t" + i, textParams.get(i));
    }
    if (userIds != null) {
      q.bindArray("ids", String.class, userIds);
    }
    return q.map((rs, ctx) -> new Member(rs.getString("user_id"), rs.getString("time_zone")))
        .list();
  }

  /** The SQL condition, with named parameters only (for tests and EXPLAIN). */
  String condition() {
    return condition;
  }

  /** Whether a user with these attributes is in the selector's audience, evaluated in memory. */
  public static boolean matches(UserSelector s, JsonNode attributes) {
    if (s.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
        if (!valueMatches(attributes.get(e.getKey()), List.of(e.getValue()))) {
          return false;
        }
      }
    }
    if (s.getMatchExpressions() != null) {
      for (UserSelectorRequirement r : s.getMatchExpressions()) {
        JsonNode a = attributes.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean holds =
            switch (r.getOperator()) {
              case In -> valueMatches(a, values);
              case NotIn -> !valueMatches(a, values);
              case Exists -> attributes.has(r.getKey());
              case DoesNotExist -> !attributes.has(r.getKey());
            };
        if (!holds) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean valueMatches(JsonNode attribute, List<String> values) {
    if (attribute == null) {
      return false;
    }
    for (String v : values) {
      for (JsonNode form : forms(v)) {
        if (form.isTextual() && attribute.isTextual() && form.asText().equals(attribute.asText())) {
          return true;
        }
        if (form.isNumber()
            && attribute.isNumber()
            && form.decimalValue().compareTo(attribute.decimalValue()) == 0) {
          return true;
        }
        if (form.isBoolean()
            && attribute.isBoolean()
            && form.asBoolean() == attribute.asBoolean()) {
          return true;
        }
      }
    }
    return false;
  }
}
