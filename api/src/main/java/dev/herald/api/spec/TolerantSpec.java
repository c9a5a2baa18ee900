package dev.herald.api.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A spec that keeps the JSON it was read from. The API server is not guaranteed to have enforced
 * the CRD schema (the mock API and older servers do not), so specs are read leniently — an unknown
 * field or a value of the wrong type never stops the operator's informer — and the operator
 * validates {@link #source()} against the generated schema to report what is wrong.
 */
public abstract class TolerantSpec {
  @JsonIgnore private JsonNode source;

  @JsonIgnore
  public JsonNode source() {
    return source;
  }

  void source(JsonNode source) {
    this.source = source;
  }

  /**
   * Gives a copy the JSON its original was read from. Copies made by serialising (as the operator
   * framework clones resources) would otherwise carry the lenient reading, not what was written.
   */
  public void keepSourceOf(TolerantSpec original) {
    this.source = original.source;
  }
}
