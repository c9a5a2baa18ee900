package dev.herald.api.campaign;

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
import io.fabric8.generator.annotation.Default;
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

/**
 * What a Campaign sends, to whom and when. Scheduling speaks CronJob's vocabulary ({@code
 * schedule}, {@code timeZone}, {@code suspend}, {@code concurrencyPolicy}, {@code
 * startingDeadlineSeconds}, history limits); the defaults below are what the schema gives an absent
 * field, so a spec read from an API server that applies no defaults reads the same.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantSpecDeserializer.class)
@ValidationRule(
    value = "has(self.schedule) || has(self.startAt)",
    message =
        "a Campaign needs spec.schedule (runs on a cron schedule) or spec.startAt (one run at a time)")
@ValidationRule(
    value = "!(has(self.schedule) && has(self.startAt))",
    message = "spec.schedule and spec.startAt exclude each other: set one")
public class CampaignSpec extends TolerantSpec {
  /** Campaigns are marketing unless they say otherwise, so a marketing opt-out holds. */
  public static final String DEFAULT_CATEGORY = "marketing";

  public static final int DEFAULT_SUCCESSFUL_RUNS_HISTORY_LIMIT = 3;
  public static final int DEFAULT_FAILED_RUNS_HISTORY_LIMIT = 1;

  @Required
  @JsonPropertyDescription("Name of a NotificationTemplate in this namespace")
  @Pattern(Patterns.K8S_NAME)
  @Size(max = 253)
  private String template;

  @Required
  @JsonPropertyDescription(
      "Who each run sends to: exactly one of selector (users by attribute), users (ids) or all")
  private CampaignAudience audience;

  @Required
  @Size(min = 1, max = 3)
  @JsonPropertyDescription("Channels to send on: email, sms, push")
  private List<Channel> channels = new ArrayList<>();

  @JsonPropertyDescription(
      "Channels to try, in order, when a recipient has no address on a channel or it fails permanently")
  @Size(max = 3)
  private List<Channel> fallback;

  @JsonPropertyDescription(
      "Preference category, for opt-outs and frequencyCap (default: marketing)")
  @Pattern(Patterns.CATEGORY)
  @Size(max = 63)
  @Default(DEFAULT_CATEGORY)
  private String category = DEFAULT_CATEGORY;

  @JsonPropertyDescription("Delivery lane: high, normal or bulk (default)")
  @Default("bulk")
  private Priority priority = Priority.BULK;

  @JsonPropertyDescription("Template variables, the same for every recipient")
  @PreserveUnknownFields
  private Map<String, JsonNode> data = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "When runs start, in cron syntax as a CronJob's schedule: five fields (minute hour"
          + " day-of-month month day-of-week) or a macro (@yearly, @annually, @monthly, @weekly,"
          + " @daily, @midnight, @hourly, @every <duration>), in spec.timeZone; no TZ= prefix."
          + " Excludes startAt")
  @Pattern(Patterns.CRON)
  @Size(min = 1, max = 256)
  private String schedule;

  @JsonPropertyDescription(
      "IANA time zone (Europe/Berlin) of schedule, and of deliverAt and quietHours for users"
          + " without a zone of their own (default: UTC)")
  @Pattern(Patterns.TIME_ZONE)
  @Size(max = 64)
  private String timeZone;

  @JsonPropertyDescription("One run only, at this RFC 3339 time. Excludes schedule")
  @Pattern(Patterns.RFC3339)
  @Size(max = 64)
  private String startAt;

  @JsonPropertyDescription(
      "true: start no new run (a run under way goes on), as a CronJob's suspend (default false)")
  @Default("false")
  private Boolean suspend = false;

  @JsonPropertyDescription(
      "When a run is due while the last one is still sending: Allow (both run), Forbid (the new"
          + " one is skipped; the default) or Replace (the old one's unsent deliveries are"
          + " cancelled)")
  @Default("Forbid")
  private ConcurrencyPolicy concurrencyPolicy = ConcurrencyPolicy.Forbid;

  @JsonPropertyDescription(
      "A run not started within this many seconds of its scheduled time is skipped (1 to"
          + " 2147483647; default: no deadline)")
  @Min(1)
  @Max(2147483647)
  private Long startingDeadlineSeconds;

  @JsonPropertyDescription("Completed runs kept in status.recentRuns (0 to 100, default 3)")
  @Min(0)
  @Max(100)
  @Default("3")
  private Integer successfulRunsHistoryLimit = DEFAULT_SUCCESSFUL_RUNS_HISTORY_LIMIT;

  @JsonPropertyDescription(
      "Failed, partially failed and cancelled runs kept in status.recentRuns (0 to 100, default 1)")
  @Min(0)
  @Max(100)
  @Default("1")
  private Integer failedRunsHistoryLimit = DEFAULT_FAILED_RUNS_HISTORY_LIMIT;

  @JsonPropertyDescription(
      "Send each user at this local time, HH:MM on a 24-hour clock, in the user's own time zone"
          + " (users without one: spec.timeZone); absent: as soon as the run starts")
  @Pattern(Patterns.TIME_OF_DAY)
  private String deliverAt;

  @JsonPropertyDescription(
      "A daily window of the recipient's local time in which nothing is delivered: a delivery"
          + " due in it waits for its end")
  private QuietHours quietHours;

  @JsonPropertyDescription(
      "Most deliveries per second for a run, across all dispatchers (1 to 100000; default: as"
          + " fast as the providers' rateLimit allows)")
  @Min(1)
  @Max(100000)
  private Integer throttle;

  @JsonPropertyDescription(
      "At most count sends to one user in this category within a rolling window (this"
          + " Campaign's and any other's); a send over the cap is suppressed")
  private FrequencyCap frequencyCap;

  public String getTemplate() {
    return template;
  }

  public void setTemplate(String template) {
    this.template = template;
  }

  public CampaignAudience getAudience() {
    return audience;
  }

  public void setAudience(CampaignAudience audience) {
    this.audience = audience;
  }

  public List<Channel> getChannels() {
    return channels;
  }

  public void setChannels(List<Channel> channels) {
    this.channels = channels;
  }

  public List<Channel> getFallback() {
    return fallback;
  }

  public void setFallback(List<Channel> fallback) {
    this.fallback = fallback;
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

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public String getStartAt() {
    return startAt;
  }

  public void setStartAt(String startAt) {
    this.startAt = startAt;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public ConcurrencyPolicy getConcurrencyPolicy() {
    return concurrencyPolicy;
  }

  public void setConcurrencyPolicy(ConcurrencyPolicy concurrencyPolicy) {
    this.concurrencyPolicy = concurrencyPolicy;
  }

  public Long getStartingDeadlineSeconds() {
    return startingDeadlineSeconds;
  }

  public void setStartingDeadlineSeconds(Long startingDeadlineSeconds) {
    this.startingDeadlineSeconds = startingDeadlineSeconds;
  }

  public Integer getSuccessfulRunsHistoryLimit() {
    return successfulRunsHistoryLimit;
  }

  public void setSuccessfulRunsHistoryLimit(Integer successfulRunsHistoryLimit) {
    this.successfulRunsHistoryLimit = successfulRunsHistoryLimit;
  }

  public Integer getFailedRunsHistoryLimit() {
    return failedRunsHistoryLimit;
  }

  public void setFailedRunsHistoryLimit(Integer failedRunsHistoryLimit) {
    this.failedRunsHistoryLimit = failedRunsHistoryLimit;
  }

  public String getDeliverAt() {
    return deliverAt;
  }

  public void setDeliverAt(String deliverAt) {
    this.deliverAt = deliverAt;
  }

  public QuietHours getQuietHours() {
    return quietHours;
  }

  public void setQuietHours(QuietHours quietHours) {
    this.quietHours = quietHours;
  }

  public Integer getThrottle() {
    return throttle;
  }

  public void setThrottle(Integer throttle) {
    this.throttle = throttle;
  }

  public FrequencyCap getFrequencyCap() {
    return frequencyCap;
  }

  public void setFrequencyCap(FrequencyCap frequencyCap) {
    this.frequencyCap = frequencyCap;
  }
}
