package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Standard Web Push (RFC 8030) to browsers' push services, identified with VAPID (RFC 8292) and
 * payloads encrypted per RFC 8291. The VAPID key pair is in the Secret ({@code vapidPublicKey},
 * {@code vapidPrivateKey}); the contact the push services may reach is here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebPushSettings(
    @Required
        @Size(max = 256)
        @Pattern(WebPushSettings.SUBJECT)
        @JsonPropertyDescription(
            "VAPID subject (the JWT's sub): a mailto: address or an https: URL where the push"
                + " services can reach you")
        String subject) {

  /** A {@code mailto:} address or an {@code https:} URL, without spaces or control characters. */
  public static final String SUBJECT = "^(mailto:[^\\s@]+@[^\\s@]+|https://[^\\s/]+(/\\S*)?)$";
}
