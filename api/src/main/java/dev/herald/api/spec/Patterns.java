package dev.herald.api.spec;

/** Patterns shared by the schema and the operator's own checks. */
public final class Patterns {
  /** A pragmatic e-mail shape: local part, one {@code @}, a dotted domain. */
  public static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

  /** A Kubernetes object name (DNS-1123 subdomain). */
  public static final String K8S_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  /** A duration as Kubernetes writes them: 90s, 10m, 1h30m. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

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
