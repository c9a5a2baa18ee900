package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two patch formats the mock API server gets wrong, applied here instead: JSON merge patch (RFC
 * 7386; the mock "merges" by Jackson's {@code readerForUpdating}, which appends to arrays instead
 * of replacing them and stores {@code null}s instead of removing fields) and Kubernetes' strategic
 * merge patch (which the mock rejects with 415).
 *
 * <p>Strategic merge patch is applied without the Go types' patch strategies, from what the patch
 * itself says: the directives kubectl emits ({@code $patch: delete|replace|merge}, {@code
 * $retainKeys}, {@code $setElementOrder/<list>}, {@code $deleteFromPrimitiveList/<list>}) are
 * honoured, a list named by {@code $setElementOrder/} is merged by the key its entries name (e.g.
 * {@code name} for containers), and any other list is replaced, as in a merge patch. That is what
 * kubectl's three-way patches need; custom resources have no patch strategies at all, so for them
 * it is exactly a JSON merge patch.
 */
final class Patches {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String PATCH = "$patch";

  private Patches() {}

  /** RFC 7386 JSON merge patch: {@code patch} applied to (a copy of) {@code target}. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject() ? target.deepCopy() : NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  /**
   * Kubernetes strategic merge patch (see the class comment): {@code patch} applied to (a copy of)
   * {@code target}. Returns {@code null} when the patch deletes the whole object.
   */
  static JsonNode strategicMergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    String directive = patch.path(PATCH).asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      return withoutDirectives(patch);
    }
    ObjectNode result =
        target != null && target.isObject() ? target.deepCopy() : NODES.objectNode();
    Set<String> listsDone = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.startsWith("$")) {
        continue;
      }
      if (value.isNull()) {
        result.remove(key);
      } else if (value.isObject()) {
        JsonNode merged = strategicMergePatch(result.get(key), value);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else if (value.isArray()) {
        listsDone.add(key);
        result.set(
            key,
            mergeList(
                result.get(key),
                (ArrayNode) value,
                patch.get(ORDER + key),
                patch.get(DELETE_FROM + key)));
      } else {
        result.set(key, value.deepCopy());
      }
    }
    // lists that only a directive mentions (an element deleted, or only reordered)
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      String list =
          key.startsWith(ORDER)
              ? key.substring(ORDER.length())
              : key.startsWith(DELETE_FROM) ? key.substring(DELETE_FROM.length()) : null;
      if (list != null && listsDone.add(list) && result.has(list)) {
        result.set(
            list,
            mergeList(
                result.get(list),
                NODES.arrayNode(),
                patch.get(ORDER + list),
                patch.get(DELETE_FROM + list)));
      }
    }
    JsonNode retain = patch.get(RETAIN_KEYS);
    if (retain != null && retain.isArray()) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      List<String> drop = new ArrayList<>();
      result
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (!keep.contains(k)) {
                  drop.add(k);
                }
              });
      drop.forEach(result::remove);
    }
    return result;
  }

  private static JsonNode mergeList(
      JsonNode current, ArrayNode patch, JsonNode order, JsonNode deletes) {
    boolean hasOrder = order != null && order.isArray();
    boolean hasDeletes = deletes != null && deletes.isArray();
    if (!hasOrder && !hasDeletes) {
      // no strategy known: replace, like a merge patch (dropping stray directives)
      ArrayNode replaced = NODES.arrayNode();
      for (JsonNode element : patch) {
        if (!(element.isObject() && element.has(PATCH))) {
          replaced.add(element.isObject() ? withoutDirectives(element) : element.deepCopy());
        }
      }
      return replaced;
    }
    ArrayNode base = current != null && current.isArray() ? (ArrayNode) current : NODES.arrayNode();
    String mergeKey =
        hasOrder && order.size() > 0 && order.get(0).isObject() && order.get(0).size() == 1
            ? order.get(0).fieldNames().next()
            : null;
    if (mergeKey != null) {
      return mergeObjectList(base, patch, (ArrayNode) order, mergeKey);
    }
    return mergePrimitiveList(
        base,
        patch,
        hasOrder ? (ArrayNode) order : null,
        hasDeletes ? (ArrayNode) deletes : NODES.arrayNode());
  }

  private static ArrayNode mergeObjectList(
      ArrayNode base, ArrayNode patch, ArrayNode order, String mergeKey) {
    Map<JsonNode, JsonNode> merged = new LinkedHashMap<>();
    for (JsonNode element : base) {
      merged.put(element.path(mergeKey), element);
    }
    for (JsonNode element : patch) {
      JsonNode key = element.path(mergeKey);
      String directive = element.path(PATCH).asText("");
      if (directive.equals("delete")) {
        merged.remove(key);
      } else if (directive.equals("replace")) {
        merged.put(key, withoutDirectives(element));
      } else {
        JsonNode result = strategicMergePatch(merged.get(key), element);
        if (result == null) {
          merged.remove(key);
        } else {
          merged.put(key, result);
        }
      }
    }
    ArrayNode result = NODES.arrayNode();
    for (JsonNode o : order) {
      JsonNode element = merged.remove(o.path(mergeKey));
      if (element != null) {
        result.add(element);
      }
    }
    merged.values().forEach(result::add); // items the patch did not mention stay, at the end
    return result;
  }

  private static ArrayNode mergePrimitiveList(
      ArrayNode base, ArrayNode patch, ArrayNode order, ArrayNode deletes) {
    List<JsonNode> values = new ArrayList<>();
    base.forEach(values::add);
    for (JsonNode v : patch) {
      if (!values.contains(v)) {
        values.add(v);
      }
    }
    deletes.forEach(values::remove);
    ArrayNode result = NODES.arrayNode();
    if (order != null) {
      for (JsonNode o : order) {
        if (values.remove(o)) {
          result.add(o);
        }
      }
    }
    values.forEach(result::add);
    return result;
  }

  private static JsonNode withoutDirectives(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = NODES.objectNode();
      node.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().startsWith("$")) {
                  copy.set(e.getKey(), withoutDirectives(e.getValue()));
                }
              });
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      node.forEach(e -> copy.add(withoutDirectives(e)));
      return copy;
    }
    return node.deepCopy();
  }
}
