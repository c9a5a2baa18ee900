package dev.herald.api.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The status every Herald resource carries: the generation it reflects and its conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class HeraldStatus {
  /** The summary condition of every kind (kstatus): see {@link #readiness()}. */
  public static final String READY = "Ready";

  @JsonPropertyDescription("The metadata.generation of the spec this status reflects")
  private Long observedGeneration;

  @JsonPropertyDescription("The latest observations of the resource's state, one per type")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }

  @JsonIgnore
  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @JsonIgnore
  public boolean isTrue(String type) {
    return condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * Sets a condition, keeping its {@code lastTransitionTime} when the status does not change, as
   * the Kubernetes convention asks.
   */
  public void setCondition(String type, boolean status, String reason, String message) {
    setCondition(type, status ? "True" : "False", reason, message);
  }

  /**
   * As above with the condition's status as written: {@code True}, {@code False} or {@code
   * Unknown}.
   */
  public void setCondition(String type, String value, String reason, String message) {
    Condition existing = condition(type).orElse(null);
    String transition =
        existing != null && value.equals(existing.getStatus())
            ? existing.getLastTransitionTime()
            : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Condition next = new Condition(transition, message, observedGeneration, reason, value, type);
    if (existing != null) {
      conditions.set(conditions.indexOf(existing), next);
    } else {
      conditions.add(next);
    }
  }

  /**
   * The kstatus-style summary every kind carries beside its own conditions, so that {@code kubectl
   * wait --for=condition=Ready}, Argo CD and Flux read every Herald kind the same way: {@code True}
   * when the resource is as its spec asks, {@code False} when it failed or cannot work (the reason
   * says why), {@code Unknown} while it is still in progress; null for a kind whose own conditions
   * already include {@code Ready}.
   */
  @JsonIgnore
  public Readiness readiness() {
    return null;
  }

  /** Writes {@link #readiness()} as the {@value #READY} condition. */
  public void summarize() {
    Readiness r = readiness();
    if (r != null) {
      setCondition(READY, r.status(), r.reason(), r.message());
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (o == null || getClass() != o.getClass()) {
      return false;
    }
    HeraldStatus that = (HeraldStatus) o;
    return Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions);
  }
}
