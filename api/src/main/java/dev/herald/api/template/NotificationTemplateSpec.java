package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.spec.TolerantSpec;
import dev.herald.api.spec.TolerantSpecDeserializer;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Content per channel in the default locale, and per-locale overrides. A recipient's locale is
 * looked up as {@code de-AT}, then {@code de}, then the default locale's content.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantSpecDeserializer.class)
@ValidationRule(
    value = "has(self.email) || has(self.sms) || has(self.push)",
    message = "a template needs content for at least one channel: email, sms or push")
public class NotificationTemplateSpec extends TolerantSpec {
  @JsonPropertyDescription("Locale of the top-level content (BCP 47, default en)")
  @Pattern("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
  private String defaultLocale;

  private EmailContent email;
  private SmsContent sms;
  private PushContent push;

  @JsonPropertyDescription("Overrides per BCP 47 locale, for example de or pt-BR")
  private Map<String, LocalizedContent> locales = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Categories sent with this template bypass opt-outs (for example security alerts)")
  private Boolean critical;

  public String getDefaultLocale() {
    return defaultLocale;
  }

  public void setDefaultLocale(String defaultLocale) {
    this.defaultLocale = defaultLocale;
  }

  public EmailContent getEmail() {
    return email;
  }

  public void setEmail(EmailContent email) {
    this.email = email;
  }

  public SmsContent getSms() {
    return sms;
  }

  public void setSms(SmsContent sms) {
    this.sms = sms;
  }

  public PushContent getPush() {
    return push;
  }

  public void setPush(PushContent push) {
    this.push = push;
  }

  public Map<String, LocalizedContent> getLocales() {
    return locales;
  }

  public void setLocales(Map<String, LocalizedContent> locales) {
    this.locales = locales;
  }

  public Boolean getCritical() {
    return critical;
  }

  public void setCritical(Boolean critical) {
    this.critical = critical;
  }
}
