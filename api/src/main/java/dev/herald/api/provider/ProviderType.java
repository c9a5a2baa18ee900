package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.herald.api.Channel;
import java.util.List;
import java.util.Locale;

/** The providers Herald speaks to, the channel each serves and the Secret keys each needs. */
public enum ProviderType {
  SENDGRID(Channel.EMAIL, List.of("apiKey")),
  TWILIO(Channel.SMS, List.of("accountSid", "authToken")),
  APNS(Channel.PUSH, List.of("signingKey")),
  FCM(Channel.PUSH, List.of("serviceAccount"));

  private final Channel channel;
  private final List<String> requiredSecretKeys;

  ProviderType(Channel channel, List<String> requiredSecretKeys) {
    this.channel = channel;
    this.requiredSecretKeys = requiredSecretKeys;
  }

  public Channel channel() {
    return channel;
  }

  public List<String> requiredSecretKeys() {
    return requiredSecretKeys;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ProviderType fromWire(String value) {
    for (ProviderType t : values()) {
      if (t.wireName().equals(value)) {
        return t;
      }
    }
    return null;
  }
}
