package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Locale;

/**
 * APNs with token-based authentication: the {@code .p8} signing key is in the Secret ({@code
 * signingKey}); the ids that name it are here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApnsSettings(
    @Required
        @Pattern(ApnsSettings.APPLE_ID)
        @JsonPropertyDescription("Apple Developer Team ID (10 characters)")
        String teamId,
    @Required
        @Pattern(ApnsSettings.APPLE_ID)
        @JsonPropertyDescription("Key ID of the .p8 signing key (10 characters)")
        String keyId,
    @Required
        @Pattern("^[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]$")
        @JsonPropertyDescription(
            "apns-topic: the app's bundle ID (with its suffix for VoIP and other push types)")
        String topic,
    @JsonPropertyDescription(
            "production (api.push.apple.com, default) or sandbox (api.sandbox.push.apple.com)")
        Environment environment,
    @JsonPropertyDescription(
            "apns-push-type: alert (default), background, voip, complication, fileprovider, mdm, location, liveactivity or pushtotalk")
        PushType pushType) {

  /** Apple's team and key ids: ten upper-case letters or digits. */
  public static final String APPLE_ID = "^[A-Z0-9]{10}$";

  /** The environment, {@link Environment#PRODUCTION} when not given. */
  public Environment environmentOrDefault() {
    return environment == null ? Environment.PRODUCTION : environment;
  }

  /** The push type, {@link PushType#ALERT} when not given. */
  public PushType pushTypeOrDefault() {
    return pushType == null ? PushType.ALERT : pushType;
  }

  /** Which APNs servers a provider talks to. */
  public enum Environment {
    PRODUCTION,
    SANDBOX;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Environment fromWire(String value) {
      for (Environment e : values()) {
        if (e.wireName().equals(value)) {
          return e;
        }
      }
      return null;
    }
  }

  /** The {@code apns-push-type} header values. */
  public enum PushType {
    ALERT,
    BACKGROUND,
    VOIP,
    COMPLICATION,
    FILEPROVIDER,
    MDM,
    LOCATION,
    LIVEACTIVITY,
    PUSHTOTALK;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static PushType fromWire(String value) {
      for (PushType t : values()) {
        if (t.wireName().equals(value)) {
          return t;
        }
      }
      return null;
    }
  }
}
