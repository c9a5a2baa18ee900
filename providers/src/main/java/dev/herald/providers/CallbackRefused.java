package dev.herald.providers;

/** A provider call that is not acted on, and why; its message names no secret and no address. */
public final class CallbackRefused extends RuntimeException {
  /** Why: each maps to one HTTP status. */
  public enum Why {
    /** The provider's Secret lacks what verifying needs: this callback is not configured (404). */
    NOT_CONFIGURED,
    /** No signature, a stale timestamp (401). */
    UNSIGNED,
    /** The signature does not verify (403). */
    FORGED,
    /** Signed, but its body cannot be read (400); {@link #field()} names what. */
    MALFORMED
  }

  private final Why why;
  private final String field;

  private CallbackRefused(Why why, String field, String message) {
    super(message, null, false, false);
    this.why = why;
    this.field = field;
  }

  public static CallbackRefused notConfigured(String missingKey) {
    return new CallbackRefused(
        Why.NOT_CONFIGURED, null, "the provider's Secret has no " + missingKey);
  }

  public static CallbackRefused unsigned(String message) {
    return new CallbackRefused(Why.UNSIGNED, null, message);
  }

  public static CallbackRefused forged(String message) {
    return new CallbackRefused(Why.FORGED, null, message);
  }

  public static CallbackRefused malformed(String field, String message) {
    return new CallbackRefused(Why.MALFORMED, field, message);
  }

  public Why why() {
    return why;
  }

  public String field() {
    return field;
  }
}
