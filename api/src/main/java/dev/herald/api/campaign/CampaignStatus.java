package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.status.HeraldStatus;
import dev.herald.api.status.Readiness;
import dev.herald.api.status.TolerantStatusDeserializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where a Campaign stands: its schedule, the run under way, the runs before it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantStatusDeserializer.class)
public class CampaignStatus extends HeraldStatus {
  /** Whether the spec can work: the schema, then the schedule, zone and times of day. */
  public static final String VALID = "Valid";

  /**
   * Whether runs start when they are due: True while they do (or the last one-shot run started),
   * False when a due run cannot start (its template or a provider is missing, it is suspended).
   */
  public static final String SCHEDULED = "Scheduled";

  @JsonPropertyDescription("The scheduled time of the last run started (RFC 3339)")
  private String lastScheduleTime;

  @JsonPropertyDescription(
      "The scheduled time of the next run (RFC 3339); absent when suspended or none is left")
  private String nextScheduleTime;

  @JsonPropertyDescription("When the last run that completed without failures finished (RFC 3339)")
  private String lastSuccessfulTime;

  @JsonPropertyDescription(
      "The run under way, as finished deliveries of its total (1200/5000); absent when none is")
  private String progress;

  @JsonPropertyDescription("The run under way (the latest, when concurrencyPolicy Allow runs more)")
  private CampaignRun active;

  @JsonPropertyDescription("Finished runs, newest first, as many as the history limits keep")
  private List<CampaignRun> recentRuns = new ArrayList<>();

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
  }

  public String getLastSuccessfulTime() {
    return lastSuccessfulTime;
  }

  public void setLastSuccessfulTime(String lastSuccessfulTime) {
    this.lastSuccessfulTime = lastSuccessfulTime;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public CampaignRun getActive() {
    return active;
  }

  public void setActive(CampaignRun active) {
    this.active = active;
  }

  public List<CampaignRun> getRecentRuns() {
    return recentRuns;
  }

  public void setRecentRuns(List<CampaignRun> recentRuns) {
    this.recentRuns = recentRuns == null ? new ArrayList<>() : new ArrayList<>(recentRuns);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CampaignStatus s
        && super.equals(o)
        && Objects.equals(lastScheduleTime, s.lastScheduleTime)
        && Objects.equals(nextScheduleTime, s.nextScheduleTime)
        && Objects.equals(lastSuccessfulTime, s.lastSuccessfulTime)
        && Objects.equals(progress, s.progress)
        && Objects.equals(active, s.active)
        && Objects.equals(recentRuns, s.recentRuns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), lastScheduleTime, nextScheduleTime, progress, active);
  }

  /**
   * {@code False} when the spec cannot work ({@code Valid}) or a due run cannot start ({@code
   * Scheduled} False but for a suspension, which is what the spec asks); {@code True} otherwise,
   * with the {@code Scheduled} reason (runs under way do not make a Campaign unready: their
   * progress is in {@code active}).
   */
  @Override
  public Readiness readiness() {
    var valid = condition(VALID).orElse(null);
    if (valid == null) {
      return Readiness.inProgress("Pending", "not checked yet");
    }
    if (!"True".equals(valid.getStatus())) {
      return Readiness.as(valid);
    }
    var scheduled = condition(SCHEDULED).orElse(null);
    if (scheduled == null) {
      return Readiness.ready(valid.getReason(), valid.getMessage());
    }
    if ("False".equals(scheduled.getStatus())
        && !ConditionReasons.SUSPENDED.equals(scheduled.getReason())) {
      return Readiness.as(scheduled);
    }
    return Readiness.ready(scheduled.getReason(), scheduled.getMessage());
  }
}
