package dev.herald.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events on Herald resources, as {@code kubectl describe} shows them. Callers
 * emit on transitions (a condition changing), not on every reconcile, so Events stay readable.
 * Messages must never hold credentials or personal addresses.
 *
 * <p>A transition ({@link #transition}) is recorded once: a reconcile may read its resource from
 * the informer cache before the cache has the status the previous reconcile wrote (java-operator-
 * sdk 5 does not cache its own status patches, and a template, provider or timer event can start
 * the next reconcile first), and would then announce the same change again. So the recorder
 * remembers, per object and topic (a condition type, the phase), what it last announced, and
 * records nothing when the same is announced again.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "herald-operator";

  /** Objects whose last announcements are remembered; the least recently announced is forgotten. */
  static final int REMEMBERED_OBJECTS = 10_000;

  /** The type of an Event, as kubectl shows it. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }
  }

  private record Announced(Type type, String reason, String message) {}

  /** Where Events are written: the API server, or a test's list. */
  @FunctionalInterface
  public interface Sink {
    /** Whether it was recorded; one that was not is announced again next time. */
    boolean write(Event event);
  }

  private final Sink sink;
  private final Map<String, Map<String, Announced>> lastAnnounced =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Announced>> eldest) {
          return size() > REMEMBERED_OBJECTS;
        }
      };

  public EventRecorder(KubernetesClient client) {
    this(
        event -> {
          try {
            client
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create();
            return true;
          } catch (KubernetesClientException e) {
            LOG.warn(
                "could not record event {} on {}/{}: {}",
                event.getReason(),
                event.getMetadata().getNamespace(),
                event.getInvolvedObject().getName(),
                e.getMessage());
            return false;
          }
        });
  }

  public EventRecorder(Sink sink) {
    this.sink = sink;
  }

  /** An Event for something that happens once (a deletion's cancellations, a refused key). */
  public void normal(HasMetadata on, String reason, String message) {
    emit(on, Type.NORMAL, reason, message);
  }

  /** As {@link #normal}, of type Warning. */
  public void warning(HasMetadata on, String reason, String message) {
    emit(on, Type.WARNING, reason, message);
  }

  /**
   * An Event for a change of {@code topic} on {@code on} (a condition type, the phase), unless the
   * last Event this recorder recorded for that topic of that object said the same.
   */
  public void transition(HasMetadata on, String topic, Type type, String reason, String message) {
    Announced now = new Announced(type, reason, dev.herald.core.log.Printable.of(message));
    String identity = identity(on);
    synchronized (lastAnnounced) {
      Map<String, Announced> topics = lastAnnounced.get(identity);
      if (topics != null && now.equals(topics.get(topic))) {
        LOG.debug(
            "{} of {}/{} already announced as {}",
            topic,
            on.getMetadata().getNamespace(),
            on.getMetadata().getName(),
            reason);
        return;
      }
    }
    // remembered only once recorded, so that an Event the API server refused is tried again
    if (emit(on, type, reason, message)) {
      synchronized (lastAnnounced) {
        lastAnnounced.computeIfAbsent(identity, k -> new HashMap<>()).put(topic, now);
      }
    }
  }

  private static String identity(HasMetadata on) {
    String uid = on.getMetadata().getUid();
    return uid != null
        ? uid
        : on.getKind() + "/" + on.getMetadata().getNamespace() + "/" + on.getMetadata().getName();
  }

  private boolean emit(HasMetadata on, Type type, String reason, String rawMessage) {
    String message = dev.herald.core.log.Printable.of(rawMessage);
    String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    String namespace = on.getMetadata().getNamespace();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                on.getMetadata().getName()
                    + "."
                    + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT))
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(on.getApiVersion())
                    .withKind(on.getKind())
                    .withName(on.getMetadata().getName())
                    .withNamespace(namespace)
                    .withUid(on.getMetadata().getUid())
                    .withResourceVersion(on.getMetadata().getResourceVersion())
                    .build())
            .withType(type.wireName)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    return sink.write(event);
  }
}
