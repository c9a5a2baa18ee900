package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * A daily window of the recipient's local time in which nothing is delivered; a start after the end
 * spans midnight (21:00 to 08:00).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "self.start != self.end",
    message = "quietHours.start and quietHours.end must differ")
public class QuietHours {
  @Required
  @JsonPropertyDescription("Local time the window opens, HH:MM on a 24-hour clock (21:00)")
  @Pattern(Patterns.TIME_OF_DAY)
  private String start;

  @Required
  @JsonPropertyDescription(
      "Local time the window closes and deferred deliveries are sent, HH:MM (08:00)")
  @Pattern(Patterns.TIME_OF_DAY)
  private String end;

  public QuietHours() {}

  public QuietHours(String start, String end) {
    this.start = start;
    this.end = end;
  }

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getEnd() {
    return end;
  }

  public void setEnd(String end) {
    this.end = end;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuietHours q
        && Objects.equals(start, q.start)
        && Objects.equals(end, q.end);
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, end);
  }
}
