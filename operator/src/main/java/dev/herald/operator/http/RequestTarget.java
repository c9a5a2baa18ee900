package dev.herald.operator.http;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of every request: the request target (path and query) must decode as
 * percent-escaped UTF-8 and hold no control characters, or the request is refused as a 400 naming
 * {@code path} or the query parameter — before any route decodes it. Requests Netty cannot parse at
 * all (a request line or headers over the limits) are answered here too, as problem+json.
 */
final class RequestTarget {
  /** The longest request line Netty reads (method, target and version); past it: 414. */
  static final int MAX_REQUEST_LINE = 4096;

  /** The most header bytes Netty reads; past it: 431. */
  static final int MAX_HEADERS = 16 * 1024;

  private RequestTarget() {}

  static void check(RoutingContext ctx) {
    String uri = ctx.request().uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (decode(path, false) == null) {
      throw Problem.malformed(
          "path", "the request path is not valid percent-encoded UTF-8 without control characters");
    }
    if (q >= 0) {
      for (String pair : uri.substring(q + 1).split("&", -1)) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
        if (name == null) {
          throw Problem.malformed(
              "query",
              "a query parameter name is not valid percent-encoded UTF-8 without control characters");
        }
        if (eq >= 0 && decode(pair.substring(eq + 1), true) == null) {
          throw Problem.malformed(
              name.length() <= 64 ? name : "query",
              "not valid percent-encoded UTF-8 without control characters");
        }
      }
    }
    ctx.next();
  }

  /**
   * {@code s} percent-decoded as strict UTF-8, or null when it is malformed or holds a control
   * character.
   */
  static String decode(String s, boolean plusIsSpace) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c > 0x7e || c < 0x21) {
        return null;
      } else {
        bytes.write(plusIsSpace && c == '+' ? ' ' : c);
      }
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    return Text.hasControl(decoded) ? null : decoded;
  }

  /**
   * Answers a request Netty could not decode (too long a request line or headers, a broken
   * request).
   */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    Problem p;
    if (cause instanceof TooLongFrameException
        && cause.getClass().getSimpleName().contains("Line")) {
      p =
          Problem.of(
              414,
              "uri-too-long",
              "URI too long",
              "the request line exceeds " + MAX_REQUEST_LINE + " bytes",
              java.util.List.of(new dev.herald.operator.validation.FieldError("path", "too long")));
    } else if (cause instanceof TooLongFrameException) {
      p =
          Problem.of(
              431,
              "headers-too-large",
              "Request header fields too large",
              "the headers exceed " + MAX_HEADERS + " bytes",
              java.util.List.of(
                  new dev.herald.operator.validation.FieldError("headers", "too large")));
    } else {
      p = Problem.malformed("request", "the request cannot be parsed as HTTP/1.1");
    }
    request.response().putHeader("Connection", "close");
    Problems.write(request.response(), p);
  }
}
