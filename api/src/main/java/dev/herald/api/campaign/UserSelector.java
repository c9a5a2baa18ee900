package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A selector over the attributes of the contact store's users, as a label selector selects objects
 * by their labels: every {@code matchLabels} entry and every {@code matchExpressions} requirement
 * must hold.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "(has(self.matchLabels) && size(self.matchLabels) > 0)"
            + " || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
    message = "a selector needs matchLabels or matchExpressions (audience.all selects every user)")
public class UserSelector {
  @JsonPropertyDescription(
      "Attributes a user must have, with these values (an attribute that is a number or a boolean"
          + " is compared as JSON writes it: 42, true)")
  @Size(max = 64)
  @ValidationRule(
      value =
          "size(self) <= 64 && self.all(k, size(k) >= 1 && size(k) <= 253 && size(self[k]) <= 256)",
      message =
          "at most 64 attributes; an attribute name has 1 to 253 characters, a value at most 256")
  private Map<String, String> matchLabels;

  @JsonPropertyDescription("Requirements on attributes, all of which must hold")
  @Size(max = 32)
  private List<UserSelectorRequirement> matchExpressions;

  public Map<String, String> getMatchLabels() {
    return matchLabels;
  }

  public void setMatchLabels(Map<String, String> matchLabels) {
    this.matchLabels = matchLabels;
  }

  public List<UserSelectorRequirement> getMatchExpressions() {
    return matchExpressions;
  }

  public void setMatchExpressions(List<UserSelectorRequirement> matchExpressions) {
    this.matchExpressions = matchExpressions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserSelector s
        && Objects.equals(matchLabels, s.matchLabels)
        && Objects.equals(matchExpressions, s.matchExpressions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(matchLabels, matchExpressions);
  }
}
