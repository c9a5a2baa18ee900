package dev.herald.api.notification;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** One recipient: a user of the contact store, or a raw address. Exactly one field is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "[has(self.user), has(self.email), has(self.phone)].filter(x, x).size() == 1",
    message = "exactly one of user, email or phone must be set")
public class Recipient {
  @JsonPropertyDescription("User id in this namespace's contact store")
  @Size(min = 1, max = 256)
  private String user;

  @JsonPropertyDescription("Raw e-mail address")
  @Size(max = 320)
  @Pattern(Patterns.EMAIL)
  private String email;

  @JsonPropertyDescription("Raw phone number in E.164 form")
  @Pattern("^\\+[1-9][0-9]{6,14}$")
  private String phone;

  public Recipient() {}

  public static Recipient user(String id) {
    Recipient r = new Recipient();
    r.user = id;
    return r;
  }

  public static Recipient email(String address) {
    Recipient r = new Recipient();
    r.email = address;
    return r;
  }

  public static Recipient phone(String number) {
    Recipient r = new Recipient();
    r.phone = number;
    return r;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }

  public String getPhone() {
    return phone;
  }

  public void setPhone(String phone) {
    this.phone = phone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Recipient r
        && Objects.equals(user, r.user)
        && Objects.equals(email, r.email)
        && Objects.equals(phone, r.phone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, email, phone);
  }
}
