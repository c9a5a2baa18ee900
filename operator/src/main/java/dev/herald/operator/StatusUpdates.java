package dev.herald.operator;

import dev.herald.api.status.HeraldStatus;
import dev.herald.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * The one way reconcilers finish: an Event when a condition changed (not on every pass), and a
 * status patch only when the status changed.
 */
public final class StatusUpdates {
  private StatusUpdates() {}

  public static <S extends HeraldStatus, R extends CustomResource<?, S>> UpdateControl<R> finish(
      R resource, S before, S after, String conditionType, EventRecorder events) {
    return finish(resource, before, after, java.util.List.of(conditionType), events);
  }

  /** As above, with an Event for each of {@code conditionTypes} that changed. */
  public static <S extends HeraldStatus, R extends CustomResource<?, S>> UpdateControl<R> finish(
      R resource, S before, S after, java.util.List<String> conditionTypes, EventRecorder events) {
    after.summarize();
    for (String conditionType : conditionTypes) {
      Condition now = after.condition(conditionType).orElse(null);
      Condition was = before.condition(conditionType).orElse(null);
      if (now != null
          && (was == null
              || !Objects.equals(was.getStatus(), now.getStatus())
              || !Objects.equals(was.getReason(), now.getReason())
              || !Objects.equals(was.getMessage(), now.getMessage()))) {
        events.transition(
            resource,
            conditionType,
            "True".equals(now.getStatus()) ? EventRecorder.Type.NORMAL : EventRecorder.Type.WARNING,
            now.getReason(),
            now.getMessage());
      }
    }
    if (after.equals(before)) {
      return UpdateControl.noUpdate();
    }
    resource.setStatus(after);
    return UpdateControl.patchStatus(resource);
  }
}
