package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** E-mail content. {@code html} is rendered with HTML auto-escaping; subject and text are not. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.html) || has(self.text)",
    message = "an e-mail needs html or text")
public record EmailContent(
    @Required @Size(min = 1, max = 998) @JsonPropertyDescription("Subject template") String subject,
    @Size(max = 1000000) @JsonPropertyDescription("HTML body template (auto-escaped)") String html,
    @Size(max = 1000000) @JsonPropertyDescription("Plain-text body template") String text,
    @Pattern(Patterns.EMAIL) @JsonPropertyDescription("Sender address; defaults to the provider's")
        String from,
    @JsonPropertyDescription("Sender display name") String fromName,
    @Pattern(Patterns.EMAIL) String replyTo) {}
