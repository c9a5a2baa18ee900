package dev.herald.api.notification;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.status.HeraldStatus;
import dev.herald.api.status.Readiness;
import dev.herald.api.status.TolerantStatusDeserializer;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Where a Notification stands, computed from its deliveries in Postgres. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantStatusDeserializer.class)
public class NotificationStatus extends HeraldStatus {
  public static final String ACCEPTED = "Accepted";
  public static final String COMPLETE = "Complete";
  public static final String PROVIDERS_READY = "ProvidersReady";

  /**
   * Whether deliveries wait in Herald's store, and for what (an open circuit, a rate limit, a
   * retry, a Ready provider).
   */
  public static final String WAITING = "Waiting";

  /**
   * False (reason {@code Pruned}) once retention removed its rows: the status shows them as last
   * seen.
   */
  public static final String STORED = "Stored";

  @JsonPropertyDescription(
      "Pending, Scheduled, Dispatching, Completed, PartiallyFailed, Failed or Cancelled")
  private NotificationPhase phase;

  @JsonPropertyDescription("Id of the notification record in Herald's store")
  private String notificationId;

  private Long total;

  @JsonPropertyDescription("Deliveries the provider accepted (sent, delivered, opened or clicked)")
  private Long sent;

  private Long failed;
  private Long suppressed;
  private Long cancelled;

  @JsonPropertyDescription("Deliveries not finished yet")
  private Long inFlight;

  @JsonPropertyDescription("Deliveries per channel and state")
  private Map<String, Map<String, Long>> channels = new TreeMap<>();

  private String startTime;

  // Written as null while in flight again (after a requeue): status is merge-patched, and an
  // absent field would keep the old time.
  @JsonInclude(JsonInclude.Include.ALWAYS)
  private String completionTime;

  public NotificationPhase getPhase() {
    return phase;
  }

  public void setPhase(NotificationPhase phase) {
    this.phase = phase;
  }

  public String getNotificationId() {
    return notificationId;
  }

  public void setNotificationId(String notificationId) {
    this.notificationId = notificationId;
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

  public Long getInFlight() {
    return inFlight;
  }

  public void setInFlight(Long inFlight) {
    this.inFlight = inFlight;
  }

  public Map<String, Map<String, Long>> getChannels() {
    return channels;
  }

  public void setChannels(Map<String, Map<String, Long>> channels) {
    this.channels = channels == null ? new TreeMap<>() : new TreeMap<>(channels);
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationStatus s
        && super.equals(o)
        && Objects.equals(phase, s.phase)
        && Objects.equals(notificationId, s.notificationId)
        && Objects.equals(total, s.total)
        && Objects.equals(sent, s.sent)
        && Objects.equals(failed, s.failed)
        && Objects.equals(suppressed, s.suppressed)
        && Objects.equals(cancelled, s.cancelled)
        && Objects.equals(inFlight, s.inFlight)
        && Objects.equals(channels, s.channels)
        && Objects.equals(startTime, s.startTime)
        && Objects.equals(completionTime, s.completionTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), phase, notificationId, total, sent, failed, channels);
  }

  /**
   * {@code True} once every delivery was sent ({@code Completed}); {@code False} when it was not
   * accepted (the {@code Accepted} reason) or ended otherwise ({@code PartiallyFailed}, {@code
   * Failed}, {@code Cancelled}); {@code Unknown} while it is pending, scheduled or dispatching.
   */
  @Override
  public Readiness readiness() {
    var accepted = condition(ACCEPTED).orElse(null);
    if (accepted != null && "False".equals(accepted.getStatus())) {
      return Readiness.as(accepted);
    }
    NotificationPhase phase = getPhase();
    if (phase == null) {
      return Readiness.inProgress("Pending", "not accepted yet");
    }
    String message = condition(COMPLETE).map(Condition::getMessage).orElse(null);
    return switch (phase) {
      case Completed -> Readiness.ready(phase.name(), message);
      case PartiallyFailed, Failed, Cancelled -> Readiness.failed(phase.name(), message);
      case Pending, Scheduled, Dispatching -> Readiness.inProgress(phase.name(), message);
    };
  }
}
