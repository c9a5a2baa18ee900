package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.status.HeraldStatus;
import dev.herald.api.status.Readiness;
import dev.herald.api.status.TolerantStatusDeserializer;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantStatusDeserializer.class)
public class NotificationTemplateStatus extends HeraldStatus {
  public static final String VALID = "Valid";

  @JsonPropertyDescription("Channels this template has content for, comma separated")
  private String channels;

  public String getChannels() {
    return channels;
  }

  public void setChannels(String channels) {
    this.channels = channels;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationTemplateStatus s
        && super.equals(o)
        && Objects.equals(channels, s.channels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), channels);
  }

  /** As {@code Valid}: a template is ready when every channel and locale compiles. */
  @Override
  public Readiness readiness() {
    return condition(VALID).map(Readiness::as).orElse(null);
  }
}
