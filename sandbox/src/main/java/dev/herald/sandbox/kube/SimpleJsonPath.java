package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSONPath subset that CRD printer columns use ({@code additionalPrinterColumns[].jsonPath}),
 * evaluated over a Jackson tree:
 *
 * <ul>
 *   <li>fields: {@code .status.phase}, {@code .metadata.labels.app\.kubernetes\.io/name}, {@code
 *       ['a.b']}, {@code .*}, and a union of fields, {@code ['schedule','startAt']}: the values of
 *       each that is present, in the order written
 *   <li>array elements: {@code [0]}, {@code [-1]}, {@code [*]}
 *   <li>filters: {@code [?(@.type=="Ready")]} with {@code == != < <= > >=} against a string,
 *       number, {@code true}/{@code false}/{@code null}, or a bare {@code [?(@.field)]} (exists)
 * </ul>
 *
 * <p>An optional surrounding {@code {...}} and leading {@code $} are accepted. A missing field
 * yields no result (as with kube-apiserver's {@code AllowMissingKeys(true)}), never an error.
 */
final class SimpleJsonPath {
  private sealed interface Step permits Field, Union, Index, Wildcard, Filter {}

  private record Field(String name) implements Step {}

  private record Union(List<String> names) implements Step {}

  private record Index(int index) implements Step {}

  private record Wildcard() implements Step {}

  private record Filter(List<String> path, String op, JsonNode literal) implements Step {}

  private final String expression;
  private final List<Step> steps;

  private SimpleJsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = steps;
  }

  /**
   * Parses {@code expression}; throws {@link IllegalArgumentException} when it is not supported.
   */
  static SimpleJsonPath parse(String expression) {
    String e = expression.trim();
    if (e.startsWith("{") && e.endsWith("}")) {
      e = e.substring(1, e.length() - 1).trim();
    }
    if (e.startsWith("$")) {
      e = e.substring(1);
    }
    return new SimpleJsonPath(expression, new Parser(e).steps());
  }

  /** Every value the path selects, in document order. */
  List<JsonNode> evaluate(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        apply(step, node, next);
      }
      current = next;
      if (current.isEmpty()) {
        break;
      }
    }
    return current;
  }

  /** The first value the path selects, or {@code null}. */
  JsonNode first(JsonNode root) {
    List<JsonNode> all = evaluate(root);
    return all.isEmpty() ? null : all.get(0);
  }

  @Override
  public String toString() {
    return expression;
  }

  private static void apply(Step step, JsonNode node, List<JsonNode> out) {
    switch (step) {
      case Field f -> {
        JsonNode child = node.isObject() ? node.get(f.name()) : null;
        if (child != null) {
          out.add(child);
        }
      }
      case Union u -> {
        for (String name : u.names()) {
          JsonNode child = node.isObject() ? node.get(name) : null;
          if (child != null) {
            out.add(child);
          }
        }
      }
      case Index i -> {
        if (node.isArray()) {
          int idx = i.index() < 0 ? node.size() + i.index() : i.index();
          if (idx >= 0 && idx < node.size()) {
            out.add(node.get(idx));
          }
        }
      }
      case Wildcard w -> {
        if (node.isArray() || node.isObject()) {
          node.elements().forEachRemaining(out::add);
        }
      }
      case Filter f -> {
        if (node.isArray() || node.isObject()) {
          for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode element = it.next();
            if (matches(f, element)) {
              out.add(element);
            }
          }
        }
      }
    }
  }

  private static boolean matches(Filter f, JsonNode element) {
    JsonNode value = element;
    for (String field : f.path()) {
      value = value != null && value.isObject() ? value.get(field) : null;
    }
    if (f.op() == null) {
      return value != null && !value.isNull();
    }
    if (value == null) {
      return false;
    }
    JsonNode lit = f.literal();
    int cmp;
    if (lit.isNumber() && value.isNumber()) {
      cmp = value.decimalValue().compareTo(lit.decimalValue());
    } else if (lit.isTextual() && value.isTextual()) {
      cmp = value.textValue().compareTo(lit.textValue());
    } else if (lit.isBoolean() || lit.isNull()) {
      boolean eq = value.equals(lit);
      return switch (f.op()) {
        case "==" -> eq;
        case "!=" -> !eq;
        default -> false;
      };
    } else {
      // different types: only != can hold
      return f.op().equals("!=");
    }
    return switch (f.op()) {
      case "==" -> cmp == 0;
      case "!=" -> cmp != 0;
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      case ">=" -> cmp >= 0;
      default -> false;
    };
  }

  private static final class Parser {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.') {
          pos++;
          if (pos < s.length() && s.charAt(pos) == '.') {
            throw error("recursive descent (..) is not supported");
          }
          if (pos < s.length() && s.charAt(pos) == '*') {
            pos++;
            steps.add(new Wildcard());
          } else if (pos < s.length() && s.charAt(pos) != '[') {
            steps.add(new Field(name()));
          }
        } else if (c == '[') {
          steps.add(bracket());
        } else if (steps.isEmpty()) {
          steps.add(new Field(name())); // "status.phase" without the leading dot
        } else {
          throw error("unexpected '" + c + "'");
        }
      }
      return steps;
    }

    private String name() {
      StringBuilder b = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length()) {
          b.append(s.charAt(pos + 1));
          pos += 2;
        } else if (c == '.' || c == '[') {
          break;
        } else {
          b.append(c);
          pos++;
        }
      }
      if (b.isEmpty()) {
        throw error("empty field name");
      }
      return b.toString();
    }

    private Step bracket() {
      pos++; // [
      skipSpaces();
      Step step;
      char c = peek();
      if (c == '*') {
        pos++;
        step = new Wildcard();
      } else if (c == '\'' || c == '"') {
        List<String> names = new ArrayList<>();
        names.add(quoted());
        skipSpaces();
        while (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          skipSpaces();
          if (peek() != '\'' && peek() != '"') {
            throw error("a union names quoted fields");
          }
          names.add(quoted());
          skipSpaces();
        }
        step = names.size() == 1 ? new Field(names.get(0)) : new Union(List.copyOf(names));
      } else if (c == '?') {
        pos++;
        expect('(');
        step = filter();
        expect(')');
      } else {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '-')) {
          pos++;
        }
        if (start == pos) {
          throw error("unsupported subscript");
        }
        step = new Index(Integer.parseInt(s.substring(start, pos)));
      }
      skipSpaces();
      expect(']');
      return step;
    }

    private Filter filter() {
      skipSpaces();
      expect('@');
      List<String> path = new ArrayList<>();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.') {
          pos++;
          StringBuilder b = new StringBuilder();
          while (pos < s.length()
              && "=!<>) ".indexOf(s.charAt(pos)) < 0
              && s.charAt(pos) != '.'
              && s.charAt(pos) != '[') {
            b.append(s.charAt(pos++));
          }
          path.add(b.toString());
        } else if (c == '[') {
          pos++;
          skipSpaces();
          path.add(quoted());
          skipSpaces();
          expect(']');
        } else {
          break;
        }
      }
      skipSpaces();
      if (peek() == ')') {
        return new Filter(path, null, null);
      }
      String op = null;
      for (String candidate : List.of("==", "!=", "<=", ">=", "<", ">")) {
        if (s.startsWith(candidate, pos)) {
          op = candidate;
          pos += candidate.length();
          break;
        }
      }
      if (op == null) {
        throw error("unsupported filter operator");
      }
      skipSpaces();
      JsonNode literal;
      char c = peek();
      if (c == '\'' || c == '"') {
        literal = com.fasterxml.jackson.databind.node.TextNode.valueOf(quoted());
      } else {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != ')' && s.charAt(pos) != ' ') {
          pos++;
        }
        String token = s.substring(start, pos);
        try {
          literal = JSON.readTree(token);
        } catch (Exception e) {
          throw error("unsupported literal " + token);
        }
        if (literal == null || literal.isMissingNode() || literal.isContainerNode()) {
          throw error("unsupported literal " + token);
        }
      }
      skipSpaces();
      return new Filter(path, op, literal);
    }

    private String quoted() {
      char quote = s.charAt(pos++);
      StringBuilder b = new StringBuilder();
      while (pos < s.length() && s.charAt(pos) != quote) {
        char c = s.charAt(pos++);
        if (c == '\\' && pos < s.length()) {
          c = s.charAt(pos++);
        }
        b.append(c);
      }
      expect(quote);
      return b.toString();
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSONPath '" + s + "' at " + pos + ": " + what);
    }
  }
}
