package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PushContent(
    @Required @Size(min = 1, max = 256) @JsonPropertyDescription("Title template") String title,
    @Size(max = 4000) @JsonPropertyDescription("Body template") String body,
    @JsonPropertyDescription("Custom data sent with the push; values are templates")
        Map<String, String> data,
    String sound,
    @Min(0) @Max(999999) Integer badge,
    @Size(max = 64) String collapseKey,
    Boolean mutableContent) {}
