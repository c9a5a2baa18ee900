package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * Who a Campaign's run sends to, among the users of its namespace's contact store: those an
 * attribute selector matches, a list of user ids, or all of them. Exactly one is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "[has(self.selector), has(self.users), has(self.all)].filter(x, x).size() == 1",
    message = "exactly one of selector, users or all must be set")
public class CampaignAudience {
  @JsonPropertyDescription(
      "Users whose attributes match, in the style of a label selector (matchLabels,"
          + " matchExpressions); evaluated anew at each run")
  private UserSelector selector;

  @JsonPropertyDescription("User ids of the contact store (users not in it are skipped)")
  @Size(min = 1, max = 10000)
  @ValidationRule(
      value = "self.all(u, size(u) >= 1 && size(u) <= 256)",
      message = "a user id has 1 to 256 characters")
  private List<String> users;

  @JsonPropertyDescription("true: every user of the namespace's contact store")
  @ValidationRule(
      value = "self",
      message = "all: false selects no one; set all: true, or use selector or users")
  private Boolean all;

  public static CampaignAudience everyone() {
    CampaignAudience a = new CampaignAudience();
    a.all = true;
    return a;
  }

  public static CampaignAudience users(List<String> ids) {
    CampaignAudience a = new CampaignAudience();
    a.users = ids;
    return a;
  }

  public static CampaignAudience selector(UserSelector selector) {
    CampaignAudience a = new CampaignAudience();
    a.selector = selector;
    return a;
  }

  public UserSelector getSelector() {
    return selector;
  }

  public void setSelector(UserSelector selector) {
    this.selector = selector;
  }

  public List<String> getUsers() {
    return users;
  }

  public void setUsers(List<String> users) {
    this.users = users;
  }

  public Boolean getAll() {
    return all;
  }

  public void setAll(Boolean all) {
    this.all = all;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CampaignAudience a
        && Objects.equals(selector, a.selector)
        && Objects.equals(users, a.users)
        && Objects.equals(all, a.all);
  }

  @Override
  public int hashCode() {
    return Objects.hash(selector, users, all);
  }
}
