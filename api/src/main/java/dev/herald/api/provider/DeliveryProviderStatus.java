package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.status.HeraldStatus;
import dev.herald.api.status.TolerantStatusDeserializer;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantStatusDeserializer.class)
public class DeliveryProviderStatus extends HeraldStatus {
  public static final String READY = "Ready";

  /** Whether every dispatcher's circuit breaker lets calls through to the provider. */
  public static final String AVAILABLE = "Available";

  private String channel;

  /** The Secret's resourceVersion last checked, so a rotated Secret is re-checked. */
  private String secretVersion;

  public String getChannel() {
    return channel;
  }

  public void setChannel(String channel) {
    this.channel = channel;
  }

  public String getSecretVersion() {
    return secretVersion;
  }

  public void setSecretVersion(String secretVersion) {
    this.secretVersion = secretVersion;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryProviderStatus s
        && super.equals(o)
        && Objects.equals(channel, s.channel)
        && Objects.equals(secretVersion, s.secretVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), channel, secretVersion);
  }
}
