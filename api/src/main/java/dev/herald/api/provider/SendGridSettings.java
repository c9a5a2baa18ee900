package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SendGridSettings(
    @Required @Pattern(Patterns.EMAIL) @JsonPropertyDescription("Default sender address")
        String from,
    @Pattern(Patterns.HEADER_TEXT)
        @JsonPropertyDescription("Default sender name (no control characters)")
        String fromName) {}
