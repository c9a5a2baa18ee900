package dev.herald.api.campaign;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The operators of a label selector's {@code matchExpressions}, applied to user attributes. */
public enum SelectorOperator {
  In,
  NotIn,
  Exists,
  DoesNotExist;

  /** Whether the operator compares against {@code values} (and needs at least one). */
  public boolean takesValues() {
    return this == In || this == NotIn;
  }

  /** Parses an operator; an unknown one gives {@code null}, so that validation can name it. */
  @JsonCreator
  public static SelectorOperator fromWire(String value) {
    for (SelectorOperator o : values()) {
      if (o.name().equals(value)) {
        return o;
      }
    }
    return null;
  }
}
