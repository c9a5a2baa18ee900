package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lists the front answered lately, by what was listed and at which resourceVersion, so that a
 * watch from that resourceVersion can be told what was deleted in between. kube-apiserver replays
 * every change since the resourceVersion a watch names; the mock replays none, and an object
 * deleted between a client's list and its watch (a finalizer the operator removes within
 * milliseconds of {@code kubectl delete}) would be missing from both, leaving the client waiting
 * for a DELETED event that never comes.
 */
final class RecentLists {
  /** Lists longer than this are not remembered (kubectl lists in pages of 500). */
  static final int MAX_ITEMS = 500;

  private static final int MAX_LISTS = 256;

  private final Map<String, List<JsonNode>> lists =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<JsonNode>> eldest) {
          return size() > MAX_LISTS;
        }
      };

  /** Remembers the items of a list of {@code collection} at {@code resourceVersion}. */
  synchronized void remember(String collection, String resourceVersion, JsonNode items) {
    if (resourceVersion == null || resourceVersion.isEmpty() || items.size() > MAX_ITEMS) {
      return;
    }
    List<JsonNode> copy = new ArrayList<>(items.size());
    items.forEach(copy::add);
    lists.put(key(collection, resourceVersion), List.copyOf(copy));
  }

  /** What a list of {@code collection} at {@code resourceVersion} held, if it was answered here. */
  synchronized Optional<List<JsonNode>> at(String collection, String resourceVersion) {
    return Optional.ofNullable(lists.get(key(collection, resourceVersion)));
  }

  /**
   * The objects of {@code listed} that {@code now} no longer holds (by namespace, name and uid):
   * those deleted since.
   */
  static List<JsonNode> deleted(List<JsonNode> listed, JsonNode now) {
    List<String> present = new ArrayList<>();
    now.forEach(item -> present.add(identity(item)));
    return listed.stream().filter(item -> !present.contains(identity(item))).toList();
  }

  private static String identity(JsonNode item) {
    JsonNode m = item.path("metadata");
    return m.path("namespace").asText("")
        + "/"
        + m.path("name").asText("")
        + "/"
        + m.path("uid").asText("");
  }

  private static String key(String collection, String resourceVersion) {
    return collection + "@" + resourceVersion;
  }
}
