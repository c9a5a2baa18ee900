package dev.herald.core.schedule;

/**
 * A schedule setting that cannot work, naming the field it came from ({@code spec.schedule}, {@code
 * spec.timeZone}, …) and saying why in words a user can act on: the message is {@code "<field>:
 * <reason>"}, ready for a False condition.
 */
public final class ScheduleProblem extends IllegalArgumentException {
  private final String field;
  private final String reason;

  public ScheduleProblem(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** The field's path in the resource, e.g. {@code spec.schedule}. */
  public String field() {
    return field;
  }

  /** Why the value cannot work, without the field. */
  public String reason() {
    return reason;
  }

  /** Enough of a bad value to recognise it, never a whole essay. */
  static String shown(String value) {
    String s = value.replaceAll("\\p{Cntrl}", "?");
    return "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"";
  }
}
