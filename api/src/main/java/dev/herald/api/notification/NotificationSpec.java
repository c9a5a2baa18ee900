package dev.herald.api.notification;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.spec.Patterns;
import dev.herald.api.spec.TolerantSpec;
import dev.herald.api.spec.TolerantSpecDeserializer;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantSpecDeserializer.class)
@ValidationRule(
    value = "self == oldSelf",
    message = "a Notification's spec cannot be changed once created")
public class NotificationSpec extends TolerantSpec {
  @Required
  @JsonPropertyDescription("Name of a NotificationTemplate in this namespace")
  @Pattern(Patterns.K8S_NAME)
  @Size(max = 253)
  private String template;

  @Required
  @Size(min = 1, max = 1000)
  @JsonPropertyDescription(
      "Users of the contact store and/or raw addresses; large audiences belong in a Campaign")
  private List<Recipient> recipients = new ArrayList<>();

  @Required
  @Size(min = 1, max = 3)
  @JsonPropertyDescription("Channels to send on: email, sms, push")
  private List<Channel> channels = new ArrayList<>();

  @JsonPropertyDescription("Preference category, for opt-outs (default: transactional)")
  @Pattern(Patterns.CATEGORY)
  @Size(max = 63)
  private String category;

  @JsonPropertyDescription("Delivery lane: high, normal (default) or bulk")
  private Priority priority;

  @JsonPropertyDescription("Template variables")
  @PreserveUnknownFields
  private Map<String, JsonNode> data = new LinkedHashMap<>();

  @JsonPropertyDescription("Send no earlier than this RFC 3339 time")
  @Pattern(Patterns.RFC3339)
  private String sendAt;

  @JsonPropertyDescription(
      "Give up on deliveries not sent within this duration (for example 10m; at most 720h)")
  @Pattern(Patterns.DURATION)
  private String expiresAfter;

  @JsonPropertyDescription(
      "Channels to try, in order, when a recipient has no address on a channel or it fails permanently")
  @Size(max = 3)
  private List<Channel> fallback;

  @JsonPropertyDescription(
      "Delete this Notification that many seconds after it finished (at most 2147483647, as for a Job)")
  @Min(0)
  @Max(2147483647)
  private Long ttlSecondsAfterFinished;

  public String getTemplate() {
    return template;
  }

  public void setTemplate(String template) {
    this.template = template;
  }

  public List<Recipient> getRecipients() {
    return recipients;
  }

  public void setRecipients(List<Recipient> recipients) {
    this.recipients = recipients;
  }

  public List<Channel> getChannels() {
    return channels;
  }

  public void setChannels(List<Channel> channels) {
    this.channels = channels;
  }

  public String getCategory() {
    return category;
  }

  public void setCategory(String category) {
    this.category = category;
  }

  public Priority getPriority() {
    return priority;
  }

  public void setPriority(Priority priority) {
    this.priority = priority;
  }

  public Map<String, JsonNode> getData() {
    return data;
  }

  public void setData(Map<String, JsonNode> data) {
    this.data = data;
  }

  public String getSendAt() {
    return sendAt;
  }

  public void setSendAt(String sendAt) {
    this.sendAt = sendAt;
  }

  public String getExpiresAfter() {
    return expiresAfter;
  }

  public void setExpiresAfter(String expiresAfter) {
    this.expiresAfter = expiresAfter;
  }

  public List<Channel> getFallback() {
    return fallback;
  }

  public void setFallback(List<Channel> fallback) {
    this.fallback = fallback;
  }

  public Long getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
