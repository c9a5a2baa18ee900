package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Firebase Cloud Messaging (HTTP v1); the service-account JSON is in the Secret ({@code
 * serviceAccount}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record FcmSettings(
    @Required
        @Pattern("^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
        @JsonPropertyDescription("Firebase / Google Cloud project ID the messages are sent through")
        String projectId) {}
