package dev.herald.operator;

/**
 * Why a resource cannot be acted on, in the words its status condition and Event will use: a
 * CamelCase reason (for example {@code TemplateNotFound}) and a message naming the field.
 * Reconcilers throw it; one place turns it into a condition and an Event.
 */
public final class ReconcileProblem extends Exception {
  private final String reason;
  private final boolean terminal;

  private ReconcileProblem(String reason, String message, boolean terminal) {
    // Conditions, Events and logs show it: no control character from input gets there.
    super(dev.herald.core.log.Printable.of(message), null, false, false);
    this.reason = reason;
    this.terminal = terminal;
  }

  /**
   * Fixable by changing another resource (a template, a provider, a Secret): re-checked when it
   * changes.
   */
  public static ReconcileProblem waiting(String reason, String message) {
    return new ReconcileProblem(reason, message, false);
  }

  /** Only a change of this resource's spec can fix it. */
  public static ReconcileProblem invalid(String reason, String message) {
    return new ReconcileProblem(reason, message, true);
  }

  public String reason() {
    return reason;
  }

  public boolean terminal() {
    return terminal;
  }

  /** The field the message names ({@code spec.channels[0]} in "spec.channels[0]: …"), or null. */
  public String field() {
    String m = getMessage();
    int colon = m == null ? -1 : m.indexOf(": ");
    return colon > 0 && m.startsWith("spec") && m.indexOf(' ') > colon
        ? m.substring(0, colon)
        : null;
  }
}
