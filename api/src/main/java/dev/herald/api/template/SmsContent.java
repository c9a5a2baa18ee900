package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SmsContent(
    @Required @Size(min = 1, max = 1600) @JsonPropertyDescription("Body template") String body,
    @Min(1) @Max(10) @JsonPropertyDescription("Most segments a rendered body may take (default 3)")
        Integer maxSegments) {}
