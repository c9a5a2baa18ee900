package dev.herald.core.template;

import dev.herald.core.log.Printable;

/**
 * A template that does not compile or render, with the field it came from (for example {@code
 * spec.email.html}) and the line within that template.
 */
public final class TemplateException extends Exception {
  private final String field;
  private final Integer line;
  private final String reason;

  /**
   * {@code reason} may quote the template: its control characters are escaped (see {@link
   * Printable}).
   */
  public TemplateException(String field, Integer line, String reason) {
    super(field + (line != null ? " line " + line : "") + ": " + Printable.of(reason));
    this.field = field;
    this.line = line;
    this.reason = Printable.of(reason);
  }

  public String field() {
    return field;
  }

  public Integer line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
