package dev.herald.operator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.operator.validation.FieldError;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A request's JSON object, read strictly: malformed JSON or a non-object is a 400; unknown fields
 * and wrong types are collected as field errors, and {@link #validOrThrow()} answers all of them at
 * once with a 422.
 */
final class JsonBody {
  private final ObjectNode node;
  private final String prefix;
  private final List<FieldError> errors;

  private JsonBody(ObjectNode node, String prefix, List<FieldError> errors) {
    this.node = node;
    this.prefix = prefix;
    this.errors = errors;
  }

  /** The request body as a JSON object with only the {@code allowed} fields. */
  static JsonBody read(RoutingContext ctx, Set<String> allowed) {
    JsonBody body = new JsonBody(object(ctx), "", new ArrayList<>());
    body.onlyFields(allowed);
    return body;
  }

  /**
   * The body as a JSON object, without field checks: read by {@link StrictJson} (415 unless the
   * media type is JSON, 400 unless it is one strict JSON object, 422 naming the field of a string
   * Postgres cannot store).
   */
  static ObjectNode object(RoutingContext ctx) {
    if (!StrictJson.isJson(ctx.request().getHeader("Content-Type"))) {
      throw Problem.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "send Content-Type: application/json (or a +json type), in UTF-8");
    }
    byte[] bytes =
        ctx.body() == null || ctx.body().buffer() == null
            ? new byte[0]
            : ctx.body().buffer().getBytes();
    if (bytes.length == 0
        || new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
      throw Problem.malformed("body", "a JSON object is required");
    }
    JsonNode parsed = StrictJson.parse(bytes, "body");
    if (parsed == null || !parsed.isObject()) {
      throw Problem.malformed("body", "must be a JSON object");
    }
    FieldError unstorable = StrictJson.unstorable(parsed, "");
    if (unstorable != null) {
      throw Problem.invalid(List.of(unstorable));
    }
    return (ObjectNode) parsed;
  }

  /**
   * A JSON object read from elsewhere (a line of a bulk import), with only the {@code allowed}
   * fields.
   */
  static JsonBody of(ObjectNode node, Set<String> allowed) {
    JsonBody body = new JsonBody(node, "", new ArrayList<>());
    body.onlyFields(allowed);
    return body;
  }

  /** An element of a nested array, reporting into {@code parent}'s errors under {@code prefix}. */
  static JsonBody of(JsonNode node, String prefix, JsonBody parent, Set<String> allowed) {
    JsonBody body = new JsonBody((ObjectNode) node, parent.prefix + prefix, parent.errors);
    body.onlyFields(allowed);
    return body;
  }

  private void onlyFields(Set<String> allowed) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (allowed != null && !allowed.contains(name)) {
        error(name, "unknown field");
      }
    }
  }

  ObjectNode node() {
    return node;
  }

  boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  /** The field's value, or null (reported when required) when it is absent or null. */
  private JsonNode present(String name, boolean required) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        error(name, "required");
      }
      return null;
    }
    return v;
  }

  String string(String name, boolean required, int maxLength) {
    JsonNode v = present(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      error(name, "must be a string");
      return null;
    }
    String s = v.asText();
    if (s.isEmpty() || s.length() > maxLength) {
      error(name, "must be 1 to " + maxLength + " characters");
      return null;
    }
    return s;
  }

  /**
   * A string converted by {@code convert}; a null result or an exception is reported as {@code
   * expected}.
   */
  <T> T string(
      String name, boolean required, int maxLength, Function<String, T> convert, String expected) {
    String s = string(name, required, maxLength);
    if (s == null) {
      return null;
    }
    T value;
    try {
      value = convert.apply(s);
    } catch (RuntimeException e) {
      value = null;
    }
    if (value == null) {
      error(name, expected);
    }
    return value;
  }

  Boolean bool(String name, boolean required) {
    JsonNode v = present(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      error(name, "must be true or false");
      return null;
    }
    return v.asBoolean();
  }

  void error(String name, String message) {
    errors.add(new FieldError(prefix + name, message));
  }

  List<FieldError> errors() {
    return errors;
  }

  void validOrThrow() {
    if (!errors.isEmpty()) {
      throw Problem.invalid(errors);
    }
  }
}
