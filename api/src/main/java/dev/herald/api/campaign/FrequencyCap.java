package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** At most {@code count} sends to one user in the Campaign's category within {@code window}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class FrequencyCap {
  /** The longest window, as the schema writes it. */
  public static final String MAX_WINDOW = "8760h";

  @Required
  @JsonPropertyDescription(
      "Most sends to one user in this category within the window (1 to 1000); further ones are"
          + " suppressed")
  @Min(1)
  @Max(1000)
  private Integer count;

  @Required
  @JsonPropertyDescription(
      "The rolling window, a duration from 1m to 8760h (for example 24h, or 168h for a week)")
  @Pattern(Patterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value =
          "duration(self) >= duration('1m') && duration(self) <= duration('" + MAX_WINDOW + "')",
      message = "must be from 1m to " + MAX_WINDOW)
  private String window;

  public FrequencyCap() {}

  public FrequencyCap(int count, String window) {
    this.count = count;
    this.window = window;
  }

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrequencyCap f
        && Objects.equals(count, f.count)
        && Objects.equals(window, f.window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, window);
  }
}
