package dev.herald.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.core.template.TemplateContent;
import java.time.Instant;
import java.util.List;

/**
 * A notification about to be written. {@code (tenant, source, sourceRef)} identifies it: writing
 * the same one twice writes nothing the second time.
 */
public record NewNotification(
    String tenant,
    Source source,
    String sourceRef,
    String resourceName,
    String template,
    String category,
    Priority priority,
    List<Channel> channels,
    List<Channel> fallback,
    TemplateContent content,
    JsonNode data,
    Instant sendAt,
    Instant expiresAt) {}
