package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** One requirement on a user attribute, as in a label selector's {@code matchExpressions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
    message = "values: operators In and NotIn need at least one value")
@ValidationRule(
    value =
        "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values) || size(self.values) == 0",
    message = "values: operators Exists and DoesNotExist take no values")
public class UserSelectorRequirement {
  @Required
  @JsonPropertyDescription("Name of the user attribute")
  @Size(min = 1, max = 253)
  private String key;

  @Required
  @JsonPropertyDescription(
      "In (the attribute has one of values), NotIn (it is absent or has none of them), Exists or"
          + " DoesNotExist")
  private SelectorOperator operator;

  @JsonPropertyDescription("Values for In and NotIn; none for Exists and DoesNotExist")
  @Size(max = 100)
  @ValidationRule(
      value = "self.all(v, size(v) <= 256)",
      message = "a value has at most 256 characters")
  private List<String> values;

  public UserSelectorRequirement() {}

  public UserSelectorRequirement(String key, SelectorOperator operator, List<String> values) {
    this.key = key;
    this.operator = operator;
    this.values = values;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public SelectorOperator getOperator() {
    return operator;
  }

  public void setOperator(SelectorOperator operator) {
    this.operator = operator;
  }

  public List<String> getValues() {
    return values;
  }

  public void setValues(List<String> values) {
    this.values = values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserSelectorRequirement r
        && Objects.equals(key, r.key)
        && Objects.equals(operator, r.operator)
        && Objects.equals(values, r.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, operator, values);
  }
}
