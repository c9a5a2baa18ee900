package dev.herald.api.spec;

/** Patterns shared by the schema and the operator's own checks. */
public final class Patterns {
  /** A pragmatic e-mail shape: local part, one {@code @}, a dotted domain. */
  public static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

  /** A Kubernetes object name (DNS-1123 subdomain). */
  public static final String K8S_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /** A duration as Kubernetes writes them: 90s, 10m, 1h30m. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

  /** A time as RFC 3339 writes it, with seconds and a zone offset or {@code Z}. */
  public static final String RFC3339 =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$";

  /** A time of day on a 24-hour clock: {@code 09:00}, {@code 21:30}. */
  public static final String TIME_OF_DAY = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

  /**
   * What a cron schedule is written with — fields of digits, names ({@code MON}, {@code JAN}) and
   * {@code * / , - ?}, or a macro such as {@code @daily} or {@code @every 1h} — and no {@code TZ=}
   * prefix (the zone has a field of its own). Only the characters: whether the expression works is
   * the operator's to check.
   */
  public static final String CRON = "^[-A-Za-z0-9*/,?#@ ]+$";

  /**
   * The shape of an IANA time zone name ({@code Europe/Berlin}, {@code America/Argentina/Salta},
   * {@code Etc/GMT+5}, {@code UTC}); whether the zone exists is the operator's to check.
   */
  public static final String TIME_ZONE = "^[A-Za-z][-A-Za-z0-9_+]*(/[A-Za-z0-9][-A-Za-z0-9_+]*)*$";

  /** A category name: lower-case words joined by dashes. */
  public static final String CATEGORY = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A phone number in E.164 form: {@code +}, a country code, at most 15 digits in all. */
  /**
   * Text that goes into a header (a sender's display name): no control character, so no CR or LF.
   */
  public static final String HEADER_TEXT = "^[^\\x00-\\x1f\\x7f]*$";

  public static final String E164 = "^\\+[1-9][0-9]{1,14}$";

  private Patterns() {}
}
