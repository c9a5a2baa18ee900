package dev.herald.providers;

import dev.herald.providers.ProviderErrorTable.Action;
import dev.herald.providers.SendResult.AddressVerdict;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's error codes as data — APNs rejection reasons, FCM error codes, Twilio error numbers
 * — and what each means for the delivery and for the address. Each adapter keeps its own table next
 * to it; what a table does not name falls back on the HTTP status ({@link #byHttpStatus}).
 *
 * @param <K> the provider's code type
 */
public final class ProviderCodeTable<K> {

  /** What an answer means: retry or give up, and what it says about the address. */
  public record Meaning(Action action, AddressVerdict address) {
    /** Try again later (rate limit, outage, or the provider's own credentials). */
    public static final Meaning RETRY = new Meaning(Action.RETRY, AddressVerdict.UNCHANGED);

    /** The request is at fault; the address is fine. */
    public static final Meaning PERMANENT = new Meaning(Action.PERMANENT, AddressVerdict.UNCHANGED);

    /** The address or device token is invalid or gone. */
    public static final Meaning INVALID_ADDRESS =
        new Meaning(Action.PERMANENT, AddressVerdict.INVALID);

    /** The recipient opted out at the provider. */
    public static final Meaning OPTED_OUT = new Meaning(Action.PERMANENT, AddressVerdict.OPTED_OUT);

    public Meaning {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(address, "address");
    }

    /** The result for an answer of this meaning; {@code retryAfter} only counts for a retry. */
    public SendResult result(String code, String message, Duration retryAfter) {
      return action == Action.RETRY
          ? new SendResult.Retry(code, message, retryAfter)
          : new SendResult.Permanent(code, message, address);
    }
  }

  private final Map<K, Meaning> byCode;

  private ProviderCodeTable(Map<K, Meaning> byCode) {
    this.byCode = Map.copyOf(byCode);
  }

  public static <K> Builder<K> builder() {
    return new Builder<>();
  }

  /** What {@code code} means, or {@code fallback} when the table does not name it. */
  public Meaning meaning(K code, Meaning fallback) {
    Meaning m = code == null ? null : byCode.get(code);
    return m != null ? m : fallback;
  }

  /** Whether the table names {@code code}. */
  public boolean names(K code) {
    return byCode.containsKey(code);
  }

  /**
   * What an HTTP status means when the provider's code is unknown: 408, 429 and 5xx are retried,
   * and so are 401 and 403 — a rejected credential is the provider's configuration, not the
   * recipient's fault, so the delivery waits for it to be fixed until its retries run out; any
   * other status is permanent.
   */
  public static Meaning byHttpStatus(int status) {
    return status == 401 || status == 403 || status == 408 || status == 429 || status >= 500
        ? Meaning.RETRY
        : Meaning.PERMANENT;
  }

  /** Collects codes by meaning. */
  public static final class Builder<K> {
    private final Map<K, Meaning> byCode = new HashMap<>();

    @SafeVarargs
    public final Builder<K> with(Meaning meaning, K... codes) {
      for (K code : codes) {
        if (byCode.put(Objects.requireNonNull(code, "code"), meaning) != null) {
          throw new IllegalArgumentException("code listed twice: " + code);
        }
      }
      return this;
    }

    public ProviderCodeTable<K> build() {
      return new ProviderCodeTable<>(byCode);
    }
  }
}
