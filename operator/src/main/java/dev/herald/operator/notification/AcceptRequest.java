package dev.herald.operator.notification;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.notification.Recipient;
import dev.herald.core.Json;
import dev.herald.core.store.Source;
import java.util.List;

/**
 * A notification to accept, whatever it came from: a Notification CR, an API request, a campaign
 * run. {@code (tenant, source, sourceRef)} identifies it; {@code requestHash} is set for API
 * requests made with an Idempotency-Key (the sourceRef), so that the key's reuse with another body
 * can be told apart.
 */
public record AcceptRequest(
    String tenant,
    Source source,
    String sourceRef,
    String resourceName,
    String template,
    List<Recipient> recipients,
    List<Channel> channels,
    List<Channel> fallback,
    String category,
    Priority priority,
    JsonNode data,
    String sendAt,
    String expiresAfter,
    String requestHash) {

  /** The request of a spec that passed the Notification schema. */
  public static AcceptRequest of(
      String tenant,
      Source source,
      String sourceRef,
      String resourceName,
      NotificationSpec spec,
      String requestHash) {
    return new AcceptRequest(
        tenant,
        source,
        sourceRef,
        resourceName,
        spec.getTemplate(),
        spec.getRecipients(),
        spec.getChannels(),
        spec.getFallback() == null ? List.of() : spec.getFallback(),
        spec.getCategory() == null ? NotificationAcceptance.DEFAULT_CATEGORY : spec.getCategory(),
        spec.getPriority() == null ? Priority.NORMAL : spec.getPriority(),
        Json.MAPPER.valueToTree(spec.getData()),
        spec.getSendAt(),
        spec.getExpiresAfter(),
        requestHash);
  }

  public static AcceptRequest of(Notification resource) {
    return of(
        resource.getMetadata().getNamespace(),
        Source.CR,
        resource.getMetadata().getUid(),
        resource.getMetadata().getName(),
        resource.getSpec(),
        null);
  }
}
