package dev.herald.operator.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.core.Json;
import dev.herald.operator.validation.FieldError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON as the API reads it: UTF-8 only (bytes that are not UTF-8 are refused, not replaced), one
 * value and nothing after it, no key twice in an object, at most {@value #MAX_DEPTH} levels deep,
 * numbers of at most {@value #MAX_NUMBER} digits; and no string (value or key) that Postgres cannot
 * store. Also the canonical form of a document, for comparing request bodies.
 */
final class StrictJson {
  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER = 100;

  private static final ObjectMapper READER =
      JsonMapper.builder(
              Json.MAPPER
                  .getFactory()
                  .copy()
                  .setStreamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER)
                          .build()))
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  private StrictJson() {}

  /**
   * The document in {@code bytes}; a {@link Problem} 400 naming {@code field} when it is not strict
   * JSON.
   */
  static JsonNode parse(byte[] bytes, String field) {
    // Jackson's own UTF-8 decoding lets overlong forms and encoded surrogates through: check first.
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw Problem.malformed(field, "not valid JSON: the bytes are not UTF-8");
    }
    try {
      return READER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw Problem.malformed(field, "not valid JSON" + where(e.getLocation()) + ": " + reason(e));
    } catch (IOException e) {
      throw Problem.malformed(field, "not valid JSON");
    }
  }

  private static String where(JsonLocation at) {
    return at == null || at.getLineNr() < 0
        ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  /** What was wrong, in words that carry none of the request's bytes. */
  private static String reason(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (m.startsWith("Duplicate field")) {
      // Jackson's message names the key: keep it only when it is plain.
      int a = m.indexOf('\'');
      int b = m.lastIndexOf('\'');
      String name = a >= 0 && b > a ? m.substring(a + 1, b) : "";
      return name.matches("[A-Za-z0-9_.-]{1,64}")
          ? "the key " + name + " appears twice"
          : "a key appears twice";
    }
    if (m.contains("nesting depth")) {
      return "nested deeper than " + MAX_DEPTH + " levels";
    }
    if (m.contains("Number value length") || m.contains("number length")) {
      return "a number longer than " + MAX_NUMBER + " digits";
    }
    if (m.contains("UTF-8") || m.contains("UTF8") || m.contains("Invalid UTF")) {
      return "the bytes are not UTF-8";
    }
    if (m.contains("Trailing token")) {
      return "data after the JSON value";
    }
    if (m.contains("end-of-input")) {
      return "the document ends early";
    }
    return "unexpected content";
  }

  /**
   * The first string in {@code node} (value or key) Postgres cannot store, as a field error; or
   * null.
   */
  static FieldError unstorable(JsonNode node, String at) {
    if (node.isTextual()) {
      String why = Text.unstorable(node.textValue());
      return why == null ? null : new FieldError(at.isEmpty() ? "body" : at, why);
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        String why = Text.unstorable(name);
        if (why != null) {
          return new FieldError(at.isEmpty() ? "body" : at, "a key " + why);
        }
        FieldError inner = unstorable(e.getValue(), at.isEmpty() ? name : at + "." + name);
        if (inner != null) {
          return inner;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        FieldError inner = unstorable(node.get(i), (at.isEmpty() ? "body" : at) + "[" + i + "]");
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** {@code node} written with every object's keys sorted and no whitespace. */
  static String canonical(JsonNode node) {
    try {
      return CANONICAL.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether a {@code Content-Type} names JSON: {@code application/json} or {@code
   * application/*+json}, with no parameter but {@code charset=utf-8}.
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";", -1);
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    boolean json =
        type.equals("application/json")
            || (type.startsWith("application/")
                && type.endsWith("+json")
                && type.length() > "application/+json".length()
                && type.substring("application/".length()).matches("[a-z0-9!#$&^_.+-]+"));
    if (!json) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
      if (!param.equals("charset=utf-8")) {
        return false;
      }
    }
    return true;
  }
}
