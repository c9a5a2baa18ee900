package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One run of a Campaign as its status shows it: when it was due, when it ran, its counts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CampaignRun {
  @JsonPropertyDescription("Id of the run (and of its notification record in Herald's store)")
  private String id;

  @JsonPropertyDescription("The scheduled time the run is for (RFC 3339)")
  private String scheduledFor;

  @JsonPropertyDescription("When the run started (RFC 3339)")
  private String startedAt;

  @JsonPropertyDescription("When its last delivery finished (RFC 3339); absent while running")
  private String finishedAt;

  @JsonPropertyDescription("Running, Completed, PartiallyFailed, Failed or Cancelled")
  private CampaignRunPhase phase;

  @JsonPropertyDescription("Deliveries of the run (users of the audience times their channels)")
  private Long total;

  @JsonPropertyDescription("Deliveries the provider accepted")
  private Long sent;

  @JsonPropertyDescription("Deliveries that failed on every channel they could take")
  private Long failed;

  @JsonPropertyDescription(
      "Deliveries not sent because the user opted out of the category or is over the frequency cap")
  private Long suppressed;

  @JsonPropertyDescription(
      "Deliveries cancelled before they were handed to a provider (the run was replaced or the"
          + " Campaign deleted)")
  private Long cancelled;

  @JsonPropertyDescription(
      "Deliveries not finished yet (waiting for deliverAt, quiet hours, the"
          + " throttle, or in flight)")
  private Long pending;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getScheduledFor() {
    return scheduledFor;
  }

  public void setScheduledFor(String scheduledFor) {
    this.scheduledFor = scheduledFor;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public CampaignRunPhase getPhase() {
    return phase;
  }

  public void setPhase(CampaignRunPhase phase) {
    this.phase = phase;
  }

  public Long getTotal() {
    return total;
  }

  public void setTotal(Long total) {
    this.total = total;
  }

  public Long getSent() {
    return sent;
  }

  public void setSent(Long sent) {
    this.sent = sent;
  }

  public Long getFailed() {
    return failed;
  }

  public void setFailed(Long failed) {
    this.failed = failed;
  }

  public Long getSuppressed() {
    return suppressed;
  }

  public void setSuppressed(Long suppressed) {
    this.suppressed = suppressed;
  }

  public Long getCancelled() {
    return cancelled;
  }

  public void setCancelled(Long cancelled) {
    this.cancelled = cancelled;
  }

  public Long getPending() {
    return pending;
  }

  public void setPending(Long pending) {
    this.pending = pending;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CampaignRun r
        && Objects.equals(id, r.id)
        && Objects.equals(scheduledFor, r.scheduledFor)
        && Objects.equals(startedAt, r.startedAt)
        && Objects.equals(finishedAt, r.finishedAt)
        && Objects.equals(phase, r.phase)
        && Objects.equals(total, r.total)
        && Objects.equals(sent, r.sent)
        && Objects.equals(failed, r.failed)
        && Objects.equals(suppressed, r.suppressed)
        && Objects.equals(cancelled, r.cancelled)
        && Objects.equals(pending, r.pending);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, scheduledFor, phase, total, sent, failed, pending);
  }
}
