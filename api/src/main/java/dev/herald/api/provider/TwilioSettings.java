package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Twilio Programmable Messaging. The sender is either a number ({@code from}) or a Messaging
 * Service ({@code messagingServiceSid}), never both; credentials are in the Secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.from) != has(self.messagingServiceSid)",
    message = "exactly one of from and messagingServiceSid")
public record TwilioSettings(
    @Pattern(Patterns.E164)
        @JsonPropertyDescription("Sender phone number in E.164 form (or use messagingServiceSid)")
        String from,
    @Pattern("^MG[0-9a-f]{32}$")
        @JsonPropertyDescription("Messaging Service SID (MG…) that picks the sender (or use from)")
        String messagingServiceSid,
    @Pattern("^https?://[^\\s/]+(:[0-9]+)?(/.*)?$")
        @JsonPropertyDescription("URL Twilio posts delivery status updates to (StatusCallback)")
        String statusCallback) {}
