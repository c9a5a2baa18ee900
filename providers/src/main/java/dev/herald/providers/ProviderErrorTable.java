package dev.herald.providers;

import java.util.Map;

/**
 * A provider's answers, as data: what each status or error code means for a delivery. Each adapter
 * keeps its own table next to it.
 */
public record ProviderErrorTable(
    Map<Integer, Action> byStatus, Action otherClientError, Action otherServerError) {

  /** What to do with a delivery after such an answer. */
  public enum Action {
    /** Try again later. */
    RETRY,
    /** Give up: the request itself is wrong. */
    PERMANENT
  }

  public Action classify(int status) {
    Action action = byStatus.get(status);
    if (action != null) {
      return action;
    }
    return status >= 500 ? otherServerError : otherClientError;
  }
}
