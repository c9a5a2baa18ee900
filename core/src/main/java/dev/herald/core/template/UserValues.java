package dev.herald.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.pebbletemplates.pebble.attributes.AttributeResolver;
import io.pebbletemplates.pebble.attributes.ResolvedAttribute;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.node.ArgumentsNode;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's attributes as a template sees them under {@code user}: plain maps, lists and JSON
 * scalars, in which whatever a user lacks is <em>missing</em> rather than an error, whatever the
 * renderer's strictness about {@code data}.
 *
 * <p>A missing attribute — an absent key, a JSON {@code null}, an index past a list's end, an
 * attribute of a string, number or boolean, and anything reached through a missing one ({@code
 * user.address.city} of a user without an address, or whose address is a string) — is the empty
 * string: it renders as nothing, is false in an {@code if}, {@code is empty}, and {@code
 * default('there')} replaces it. What needs a type (a {@code for} loop, {@code numberformat},
 * {@code join}) gets one from {@code default}: {@code user.tags | default([])}. Attribute names
 * never reach a Java method: {@code user.size} is an attribute like any other.
 */
final class UserValues {
  /**
   * The value of a missing attribute. An empty string of its own, told from every other by
   * identity, so that an attribute of it is missing too.
   */
  @SuppressWarnings("StringOperationCanBeSimplified")
  static final String MISSING = new String("");

  private UserValues() {}

  /** A user map: {@code attributes} (a JSON object, or null for none) plus {@code extra}. */
  static UserMap map(JsonNode attributes, Map<String, String> extra) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (attributes != null && attributes.isObject()) {
      attributes
          .fields()
          .forEachRemaining(
              e -> {
                Object v = convert(e.getValue());
                if (v != MISSING) {
                  values.put(e.getKey(), v);
                }
              });
    }
    extra.forEach(
        (k, v) -> {
          if (v != null) {
            values.put(k, v);
          }
        });
    return new UserMap(values);
  }

  private static Object convert(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return MISSING;
    }
    if (node.isObject()) {
      return map(node, Map.of());
    }
    if (node.isArray()) {
      List<Object> items = new ArrayList<>(node.size());
      node.forEach(item -> items.add(convert(item)));
      return new UserList(items);
    }
    // A string is an object of its own, so that the resolver tells a user's strings from data's
    // by identity. Numbers and booleans are the JDK's (as data's are, so they print and compute
    // alike); a small integer or a boolean may then be the very object data holds too, which
    // makes an attribute of such a value of data missing as well: a meaningless expression
    // either way, and no name data lacks is affected.
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    return new String(node.asText());
  }

  /** Whether {@code value} is, by identity, one of the values inside {@code container}. */
  private static boolean holds(Iterable<?> container, Object value) {
    for (Object v : container) {
      if (v == value
          || (v instanceof UserMap m && holds(m.values.values(), value))
          || (v instanceof UserList l && holds(l.items, value))) {
        return true;
      }
    }
    return false;
  }

  /** An object of a user's attributes. */
  static final class UserMap extends AbstractMap<String, Object> {
    private final Map<String, Object> values;

    private UserMap(Map<String, Object> values) {
      this.values = Collections.unmodifiableMap(values);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return values.entrySet();
    }

    Object attribute(Object name) {
      Object v = values.get(String.valueOf(name));
      return v == null ? MISSING : v;
    }
  }

  /** An array of a user's attributes. */
  static final class UserList extends AbstractList<Object> {
    private final List<Object> items;

    private UserList(List<Object> items) {
      this.items = List.copyOf(items);
    }

    @Override
    public Object get(int index) {
      return items.get(index);
    }

    @Override
    public int size() {
      return items.size();
    }

    Object attribute(Object name) {
      long index;
      if (name instanceof Number n) {
        index = n.longValue();
      } else {
        try {
          index = Long.parseLong(String.valueOf(name));
        } catch (NumberFormatException e) {
          return MISSING;
        }
      }
      return index >= 0 && index < items.size() ? items.get((int) index) : MISSING;
    }
  }

  /**
   * Resolves attributes of user values before Pebble's own resolvers (which would call methods, and
   * fail on an absent key in strict mode).
   */
  static final class Resolver implements AttributeResolver {
    @Override
    public ResolvedAttribute resolve(
        Object instance,
        Object attributeNameValue,
        Object[] argumentValues,
        ArgumentsNode args,
        EvaluationContextImpl context,
        String filename,
        int lineNumber) {
      if (instance == MISSING) {
        return new ResolvedAttribute(MISSING);
      }
      if (instance instanceof UserMap map) {
        return new ResolvedAttribute(map.attribute(attributeNameValue));
      }
      if (instance instanceof UserList list) {
        return new ResolvedAttribute(list.attribute(attributeNameValue));
      }
      if ((instance instanceof String || instance instanceof Number || instance instanceof Boolean)
          && context.getScopeChain().get("user") instanceof UserMap user
          && holds(user.values.values(), instance)) {
        // A scalar of the user's (user.firstName.x, or a loop variable over user.tags) has no
        // attributes; data's scalars go on to Pebble's resolvers, as before.
        return new ResolvedAttribute(MISSING);
      }
      return null;
    }
  }

  /** The Pebble extension that installs {@link Resolver}. */
  static final class Extension extends AbstractExtension {
    @Override
    public List<AttributeResolver> getAttributeResolver() {
      return List.of(new Resolver());
    }
  }
}
