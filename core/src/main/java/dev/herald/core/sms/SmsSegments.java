package dev.herald.core.sms;

/**
 * How many SMS segments a body takes, as carriers count them.
 *
 * <ul>
 *   <li>A body made only of GSM 03.38 characters goes as GSM-7: 160 septets in one segment; a
 *       longer one is split into parts of 153 (7 septets go to the concatenation header). The
 *       extension characters {@code ^ { } \ [ ~ ] | €} and form feed take two septets (escape and
 *       character), and a pair is never split across parts.
 *   <li>Anything else goes as UCS-2 (UTF-16): 70 code units in one segment, parts of 67; a
 *       character outside the Basic Multilingual Plane (most emoji) takes two units, and its
 *       surrogate pair is never split across parts.
 * </ul>
 *
 * One emoji in a long text turns it from GSM-7 to UCS-2 and can more than double its segments.
 *
 * @param encoding the encoding the body goes in
 * @param units septets (GSM-7) or UTF-16 code units (UCS-2) the body takes
 * @param segments the segments it is sent in; 0 for an empty body
 */
public record SmsSegments(Encoding encoding, int units, int segments) {

  public enum Encoding {
    GSM_7(160, 153),
    UCS_2(70, 67);

    private final int single;
    private final int perPart;

    Encoding(int single, int perPart) {
      this.single = single;
      this.perPart = perPart;
    }

    /** Units a body may take to go in one segment. */
    public int single() {
      return single;
    }

    /** Units each part of a multipart message carries. */
    public int perPart() {
      return perPart;
    }
  }

  /** GSM 03.38 basic character set (one septet each). */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

  /** GSM 03.38 extension table (escape + character: two septets each). */
  private static final String EXTENSION = "\f^{}\\[~]|€";

  /** Counts the segments of {@code body}. */
  /** Segments a template may take when it does not say ({@code SmsContent.maxSegments}). */
  public static final int DEFAULT_MAX_SEGMENTS = 3;

  /** Twilio refuses bodies longer than this. */
  public static final int MAX_BODY_CHARS = 1600;

  /**
   * Why a body may not be sent under a template's {@code maxSegments} (default {@value
   * #DEFAULT_MAX_SEGMENTS}), or {@code null} when it may.
   */
  public static String tooLong(String body, Integer maxSegments) {
    SmsSegments segments = of(body);
    int max = maxSegments != null ? maxSegments : DEFAULT_MAX_SEGMENTS;
    if (segments.segments() <= max && body.length() <= MAX_BODY_CHARS) {
      return null;
    }
    return "the body takes "
        + segments.segments()
        + " "
        + segments.encoding()
        + " segments ("
        + segments.units()
        + " units); the template allows "
        + max;
  }

  public static SmsSegments of(String body) {
    if (body == null || body.isEmpty()) {
      return new SmsSegments(Encoding.GSM_7, 0, 0);
    }
    Encoding encoding = isGsm7(body) ? Encoding.GSM_7 : Encoding.UCS_2;
    int units = 0;
    int segments = 1;
    int inPart = 0;
    for (int i = 0; i < body.length(); ) {
      int c = body.codePointAt(i);
      i += Character.charCount(c);
      int w =
          encoding == Encoding.GSM_7 ? (EXTENSION.indexOf(c) >= 0 ? 2 : 1) : Character.charCount(c);
      units += w;
      if (inPart + w > encoding.perPart()) {
        segments++;
        inPart = 0;
      }
      inPart += w;
    }
    return new SmsSegments(encoding, units, units <= encoding.single() ? 1 : segments);
  }

  /** Whether every character of {@code text} is in GSM-7's basic or extension table. */
  public static boolean isGsm7(String text) {
    return text.codePoints()
        .allMatch(c -> c < 0x10000 && (BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0));
  }
}
