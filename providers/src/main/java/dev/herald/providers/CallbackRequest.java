package dev.herald.providers;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's call as it arrived: the absolute URL it called (signatures cover it), its headers by
 * lower-case name, and its body.
 */
public record CallbackRequest(String url, Map<String, String> headers, byte[] body) {

  public CallbackRequest {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
    headers = Map.copyOf(lower);
    body = body == null ? new byte[0] : body;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as an HTML form ({@code a=1&b=2}), in order; the first value of a repeated name. */
  public Map<String, String> form() {
    Map<String, String> params = new LinkedHashMap<>();
    String text = bodyText();
    if (text.isEmpty()) {
      return params;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw CallbackRefused.malformed("body", "not a valid form encoding");
    }
  }
}
