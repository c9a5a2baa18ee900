package dev.herald.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events on Herald resources, as {@code kubectl describe} shows them. Callers
 * emit on transitions (a condition changing), not on every reconcile, so Events stay readable.
 * Messages must never hold credentials or personal addresses.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "herald-operator";

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata on, String reason, String message) {
    emit(on, "Normal", reason, message);
  }

  public void warning(HasMetadata on, String reason, String message) {
    emit(on, "Warning", reason, message);
  }

  private void emit(HasMetadata on, String type, String reason, String rawMessage) {
    String message = dev.herald.core.log.Printable.of(rawMessage);
    String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    String namespace = on.getMetadata().getNamespace();
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(on.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8)
            .toLowerCase(Locale.ROOT))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(on.getApiVersion())
            .withKind(on.getKind())
            .withName(on.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(on.getMetadata().getUid())
            .withResourceVersion(on.getMetadata().getResourceVersion())
            .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, namespace,
          on.getMetadata().getName(), e.getMessage());
    }
  }
}
