package dev.herald.operator.validation;

/**
 * One thing wrong with a resource, named by its field path (for example {@code
 * spec.recipients[0].email}).
 */
public record FieldError(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
