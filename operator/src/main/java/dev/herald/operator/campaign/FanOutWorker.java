package dev.herald.operator.campaign;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes runs' deliveries away from the reconciler's thread (a run of a million users takes
 * minutes): each run at most once at a time in this process; across replicas the run's row lock
 * keeps a second writer out. A failure is kept for the reconciler to report once; the run goes on
 * from its checkpoint when it is submitted again (the reconciler does, and the operator's minute
 * resume).
 */
public final class FanOutWorker {
  private static final Logger LOG = LoggerFactory.getLogger(FanOutWorker.class);

  private final CampaignFanOut fanOut;
  private final Executor executor;
  private final Set<UUID> underWay = ConcurrentHashMap.newKeySet();
  private final Map<UUID, String> failures = new ConcurrentHashMap<>();

  public FanOutWorker(CampaignFanOut fanOut, Executor executor) {
    this.fanOut = fanOut;
    this.executor = executor;
  }

  /** Fans the run out in the background unless this process already is. */
  public void submit(UUID runId) {
    if (!underWay.add(runId)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              fanOut.fanOut(runId);
              failures.remove(runId);
            } catch (RuntimeException e) {
              LOG.warn(
                  "campaign run {}: fan-out failed, it goes on later: {}", runId, e.toString());
              failures.put(runId, e.getClass().getSimpleName());
            } finally {
              underWay.remove(runId);
            }
          });
    } catch (RuntimeException e) {
      underWay.remove(runId); // the executor is shut down: the operator is stopping
    }
  }

  /** Whether this process is writing the run's pages now. */
  public boolean writing(UUID runId) {
    return underWay.contains(runId);
  }

  /** The last failure of the run's fan-out, taken (reported once). */
  public Optional<String> takeFailure(UUID runId) {
    return Optional.ofNullable(failures.remove(runId));
  }
}
