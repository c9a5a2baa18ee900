package dev.herald.operator;

import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Events an operator component recorded, kept in memory instead of written to an API server.
 */
public final class RecordedEvents {
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final EventRecorder recorder = new EventRecorder(events::add);

  public EventRecorder recorder() {
    return recorder;
  }

  public List<Event> all() {
    return List.copyOf(events);
  }

  /** "Type Reason: message", as {@code kubectl get events} shows them. */
  public List<String> shown() {
    return events.stream()
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }
}
