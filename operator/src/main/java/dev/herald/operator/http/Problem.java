package dev.herald.operator.http;

import dev.herald.operator.validation.FieldError;
import java.util.List;

/**
 * An RFC 9457 problem the API answers with: thrown anywhere in a handler, written as {@code
 * application/problem+json} by {@link Problems}. {@code errors} name the offending fields.
 */
public final class Problem extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;
  private final Long retryAfterSeconds;

  private Problem(
      int status,
      String type,
      String title,
      String detail,
      List<FieldError> errors,
      Long retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfter;
  }

  public static Problem of(int status, String type, String title, String detail) {
    return new Problem(status, type, title, detail, List.of(), null);
  }

  /** A problem of any status naming {@code errors}' fields. */
  public static Problem of(
      int status, String type, String title, String detail, List<FieldError> errors) {
    return new Problem(status, type, title, detail, errors, null);
  }

  /** A request that cannot be read at all (400), naming the part that is wrong. */
  public static Problem malformed(String field, String detail) {
    return new Problem(
        400,
        "malformed-request",
        "Malformed request",
        detail,
        List.of(new FieldError(field, detail)),
        null);
  }

  /** A readable request with invalid values (422). */
  public static Problem invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).toString()
            : errors.size() + " invalid fields: " + errors.get(0) + " …";
    return new Problem(422, "invalid-request", "Invalid request", detail, errors, null);
  }

  public static Problem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static Problem tooLarge() {
    return new Problem(
        413,
        "body-too-large",
        "Request body too large",
        "the body exceeds the size limit",
        List.of(new FieldError("body", "exceeds the size limit")),
        null);
  }

  public static Problem notFound(String what) {
    return of(404, "not-found", "Not found", what + " not found");
  }

  public static Problem unauthorized(String detail) {
    return of(401, "unauthorized", "Unauthorized", detail);
  }

  /** Who is calling cannot be established (401) because of {@code field} (a header). */
  public static Problem unauthorized(String field, String detail) {
    return of(401, "unauthorized", "Unauthorized", detail, List.of(new FieldError(field, detail)));
  }

  public static Problem forbidden(String detail) {
    return of(403, "forbidden", "Forbidden", detail);
  }

  /** The caller may not do this (403) because of {@code field} (a header). */
  public static Problem forbidden(String field, String detail) {
    return of(403, "forbidden", "Forbidden", detail, List.of(new FieldError(field, detail)));
  }

  public static Problem rateLimited(long retryAfterSeconds) {
    return new Problem(
        429,
        "rate-limited",
        "Too many requests",
        "this key's request rate is exceeded; retry after " + retryAfterSeconds + " s",
        List.of(),
        retryAfterSeconds);
  }

  /** Refused for now (503), to be retried after {@code retryAfterSeconds}. */
  public static Problem unavailable(String detail, long retryAfterSeconds) {
    return new Problem(
        503, "unavailable", "Service unavailable", detail, List.of(), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
