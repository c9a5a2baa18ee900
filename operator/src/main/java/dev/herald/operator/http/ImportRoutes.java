package dev.herald.operator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.Json;
import dev.herald.core.store.ContactStore;
import dev.herald.operator.validation.FieldError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/imports/users}: upserts users from an NDJSON ({@code application/x-ndjson}: one
 * user object with {@code id} per line) or CSV ({@code text/csv}: a header naming {@code id},
 * {@code email}, {@code phone}, {@code locale}, {@code timeZone}; other columns become string
 * attributes) body of any size — streamed through COPY, never held in memory — and answers with
 * counts and the line numbers and reasons of rejected rows. Valid rows are written even when others
 * are rejected; a failure of the whole import (too large, broken stream) writes nothing.
 */
final class ImportRoutes {
  static final int MAX_LINE = 64 * 1024;
  static final int MAX_REPORTED = 1000;
  private static final Set<String> NDJSON_FIELDS;

  static {
    Set<String> fields = new HashSet<>(UserFields.NAMES);
    fields.add("id");
    NDJSON_FIELDS = Set.copyOf(fields);
  }

  private final ContactStore contacts;
  private final long limit;

  ImportRoutes(ContactStore contacts, long limit) {
    this.contacts = contacts;
    this.limit = limit;
  }

  /** Mounted before the body handler: this body is streamed, not buffered. */
  void mount(Router router, ApiKeys keys) {
    router
        .post("/v1/imports/users")
        .handler(
            ctx -> {
              ctx.request().pause();
              ctx.next();
            })
        .handler(keys.require(Scope.CONTACTS))
        .handler(this::importUsers);
  }

  private void importUsers(RoutingContext ctx) {
    String tenant = ApiKeys.principal(ctx).tenant();
    String type = ctx.request().getHeader("Content-Type");
    String format = type == null ? "" : type.toLowerCase(Locale.ROOT);
    boolean csv = format.startsWith("text/csv");
    if (!csv && !format.startsWith("application/x-ndjson")) {
      throw Problem.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "send application/x-ndjson or text/csv");
    }
    HttpServerRequest request = ctx.request();
    RequestInputStream body =
        new RequestInputStream(request, ctx.vertx().getOrCreateContext(), limit);
    ctx.vertx()
        .executeBlocking(() -> run(tenant, csv, body), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                Responses.json(ctx, 200, ar.result());
              } else {
                ctx.response().putHeader("Connection", "close");
                ctx.fail(ar.cause());
              }
            });
  }

  private ObjectNode run(String tenant, boolean csv, RequestInputStream body) {
    Report report = new Report();
    ContactStore.ImportResult result =
        contacts.importUsers(
            tenant,
            sink -> {
              try (Lines reader = new Lines(body)) {
                List<String> header = null;
                long line = 0;
                for (String text; (text = reader.next()) != null; ) {
                  line++;
                  if (text == Lines.NOT_UTF8) {
                    report.received++;
                    report.reject(line, new FieldError("line", "not valid UTF-8"));
                    continue;
                  }
                  if (text.isBlank()) {
                    continue;
                  }
                  if (csv && header == null) {
                    header = Csv.split(text);
                    continue;
                  }
                  report.received++;
                  if (text.length() > MAX_LINE) {
                    report.reject(
                        line, new FieldError("line", "longer than " + MAX_LINE + " characters"));
                    continue;
                  }
                  ObjectNode user;
                  try {
                    user = csv ? Csv.user(header, text) : ndjson(text);
                  } catch (Problem p) {
                    report.reject(line, new FieldError("line", p.getMessage()));
                    continue;
                  }
                  if (user == null) {
                    report.reject(
                        line,
                        new FieldError(
                            "line",
                            csv ? "not the header's number of CSV fields" : "not a JSON object"));
                    continue;
                  }
                  FieldError unstorable = StrictJson.unstorable(user, "");
                  if (unstorable != null) {
                    report.reject(line, unstorable);
                    continue;
                  }
                  JsonBody row = JsonBody.of(user, csv ? null : NDJSON_FIELDS);
                  String id = row.string("id", true, 256);
                  if (id != null && !ContactFormats.userId(id)) {
                    row.error("id", "must match " + ContactFormats.USER_ID);
                  }
                  UserFields fields = UserFields.read(row);
                  if (!row.errors().isEmpty()) {
                    report.reject(line, row.errors().get(0));
                    continue;
                  }
                  sink.add(
                      line,
                      id,
                      fields.email(),
                      fields.phone(),
                      fields.locale(),
                      fields.timeZone(),
                      fields.attributes() == null ? null : Json.write(fields.attributes()));
                  report.imported++;
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return report.json(result);
  }

  /**
   * A line as a strict JSON object (a {@link Problem} when it is not JSON), or null when it is
   * another value.
   */
  private static ObjectNode ndjson(String text) {
    JsonNode node = StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), "line");
    return node != null && node.isObject() ? (ObjectNode) node : null;
  }

  /**
   * The body's lines (split at LF, a CR before it dropped), each decoded as strict UTF-8: a line
   * that is not UTF-8 is {@link #NOT_UTF8}, so that only it is rejected; a line longer than {@link
   * #MAX_LINE} characters' worth of bytes is cut there (and then rejected as too long).
   */
  static final class Lines implements AutoCloseable {
    static final String NOT_UTF8 = new String("\u0000not-utf8");
    private final java.io.InputStream in;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);

    Lines(java.io.InputStream in) {
      this.in = new java.io.BufferedInputStream(in, 65536);
    }

    String next() throws IOException {
      line.reset();
      int b;
      boolean any = false;
      while ((b = in.read()) != -1) {
        any = true;
        if (b == '\n') {
          break;
        }
        if (line.size() <= MAX_LINE * 4) {
          line.write(b);
        }
      }
      if (!any) {
        return null;
      }
      byte[] bytes = line.toByteArray();
      int length =
          bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes, 0, length))
            .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return bytes.length > MAX_LINE * 4 ? "x".repeat(MAX_LINE + 1) : NOT_UTF8;
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** What an import did; rejections beyond {@link #MAX_REPORTED} are counted, not listed. */
  private static final class Report {
    long received;
    long imported;
    long rejected;
    final List<ObjectNode> errors = new ArrayList<>();

    void reject(long line, FieldError error) {
      rejected++;
      if (errors.size() < MAX_REPORTED) {
        errors.add(
            Json.MAPPER
                .createObjectNode()
                .put("line", line)
                .put("field", error.field())
                .put("message", error.message()));
      }
    }

    ObjectNode json(ContactStore.ImportResult result) {
      ObjectNode out = Json.MAPPER.createObjectNode();
      out.put("received", received)
          .put("imported", imported)
          .put("created", result.created())
          .put("updated", result.updated())
          .put("rejected", rejected);
      ArrayNode list = out.putArray("errors");
      errors.forEach(list::add);
      out.put("errorsTruncated", rejected > errors.size());
      return out;
    }
  }

  /** RFC 4180 lines (quoted fields may hold commas and doubled quotes, not line breaks). */
  static final class Csv {
    private static final Set<String> COLUMNS = Set.of("id", "email", "phone", "locale", "timeZone");

    private Csv() {}

    static List<String> split(String line) {
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else {
          field.append(c);
        }
      }
      fields.add(field.toString());
      return fields;
    }

    /** The line as a user object by the header's columns; null when the field count differs. */
    static ObjectNode user(List<String> header, String line) {
      List<String> values = split(line);
      if (values.size() != header.size()) {
        return null;
      }
      ObjectNode user = Json.MAPPER.createObjectNode();
      ObjectNode attributes = Json.MAPPER.createObjectNode();
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i).trim();
        String value = values.get(i).isEmpty() ? null : values.get(i);
        if (COLUMNS.contains(name)) {
          user.put(name, value);
        } else if (value != null) {
          attributes.put(name, value);
        }
      }
      if (!attributes.isEmpty()) {
        user.set("attributes", attributes);
      }
      return user;
    }
  }
}
