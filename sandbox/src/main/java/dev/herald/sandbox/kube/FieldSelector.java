package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes field selector ({@code ?fieldSelector=involvedObject.name=x,type!=Normal}), applied
 * by the front because the mock's CRUD mode reads none but {@code metadata.name} (and answers an
 * empty list to any other). Terms are {@code path=value}, {@code path==value} or {@code
 * path!=value}, joined by commas; {@code \,}, {@code \=} and {@code \\} escape. A path is any
 * dotted field of the object ({@code involvedObject.uid}, {@code status.phase}); a field the object
 * lacks reads as the empty string. kube-apiserver accepts only the fields each kind declares; this
 * accepts any.
 */
record FieldSelector(List<Term> terms) {
  /** One requirement. */
  record Term(String path, boolean equal, String value) {
    boolean matches(JsonNode object) {
      return text(object.at("/" + path.replace('.', '/'))).equals(value) == equal;
    }
  }

  /** The selector that matches everything. */
  static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  FieldSelector {
    terms = List.copyOf(terms);
  }

  /** Parses a selector; {@code null} or blank selects everything. */
  static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Term> terms = new ArrayList<>();
    for (String term : split(selector, ',')) {
      if (term.isBlank()) {
        continue;
      }
      terms.add(term(term.trim()));
    }
    return new FieldSelector(terms);
  }

  boolean isEmpty() {
    return terms.isEmpty();
  }

  boolean matches(JsonNode object) {
    return terms.stream().allMatch(t -> t.matches(object));
  }

  /** The name a {@code metadata.name=x} term asks for, the one field the mock can select on. */
  Optional<String> name() {
    return terms.stream()
        .filter(t -> t.equal() && t.path().equals("metadata.name"))
        .map(Term::value)
        .findFirst();
  }

  private static Term term(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '!' && i + 1 < term.length() && term.charAt(i + 1) == '=') {
        return new Term(term.substring(0, i).trim(), false, unescape(term.substring(i + 2)));
      } else if (c == '=') {
        int valueStart = i + 1 < term.length() && term.charAt(i + 1) == '=' ? i + 2 : i + 1;
        return new Term(term.substring(0, i).trim(), true, unescape(term.substring(valueStart)));
      }
    }
    throw new IllegalArgumentException(
        "invalid field selector term \""
            + term
            + "\": expected field=value, field==value or field!=value");
  }

  /** Splits on {@code separator} where it is not escaped with a backslash. */
  private static List<String> split(String s, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        current.append(c).append(s.charAt(++i));
      } else if (c == separator) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String text(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return "";
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
