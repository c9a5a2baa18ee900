package dev.herald.core.store;

import java.time.Duration;

/**
 * How fast a notification's deliveries may go, and how often one user may receive its category: a
 * Campaign run's {@code throttle} and {@code frequencyCap}.
 *
 * @param perSecond deliveries released per second across every relay, or null for no throttle
 * @param cap at most so many sends to one user in the category within a window, or null
 */
public record Pacing(Integer perSecond, FrequencyCap cap) {
  public static final Pacing NONE = new Pacing(null, null);

  public Pacing {
    if (perSecond != null && perSecond <= 0) {
      throw new IllegalArgumentException("a throttle is a positive rate, not " + perSecond);
    }
  }

  public boolean isNone() {
    return perSecond == null && cap == null;
  }

  /** At most {@code count} sends to one user in a category within {@code window}. */
  public record FrequencyCap(int count, Duration window) {
    public FrequencyCap {
      if (count <= 0 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("a cap is a positive count in a positive window");
      }
    }
  }
}
