package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Vonage's SMS API. The sender is a number or an alphanumeric sender id; credentials (and the
 * secret that verifies signed webhooks) are in the Secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VonageSettings(
    @Required
        @Pattern(VonageSettings.SENDER)
        @JsonPropertyDescription(
            "Sender: a phone number (E.164, the + optional) or an alphanumeric sender id of up to"
                + " 11 letters, digits and inner spaces (not accepted in every country)")
        String from,
    @Pattern("^https?://[^\\s/]+(:[0-9]+)?(/.*)?$")
        @JsonPropertyDescription(
            "URL Vonage sends delivery receipts to (callback); without it, the account's default"
                + " delivery receipt URL")
        String statusCallback) {

  /**
   * A number ({@code +} optional, up to 15 digits) or an alphanumeric id (1–11, no outer spaces).
   * No look-arounds: the API server's regex engine has none.
   */
  public static final String SENDER =
      "^(\\+?[1-9][0-9]{1,14}|[A-Za-z0-9]([A-Za-z0-9 ]{0,9}[A-Za-z0-9])?)$";
}
