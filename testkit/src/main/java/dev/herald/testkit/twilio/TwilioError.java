package dev.herald.testkit.twilio;

/**
 * The Twilio REST API errors the simulator speaks, with the HTTP status and message Twilio answers
 * them with. A {@code %s} in the message stands for the number or SID concerned.
 */
public enum TwilioError {
  AUTHENTICATE(20003, 401, "Authenticate"),
  METHOD_NOT_ALLOWED(20004, 405, "Method not allowed"),
  NOT_FOUND(20404, 404, "The requested resource %s was not found"),
  TOO_MANY_REQUESTS(20429, 429, "Too Many Requests"),
  INTERNAL_SERVER_ERROR(20500, 500, "Internal Server Error"),
  SERVICE_UNAVAILABLE(20503, 503, "Service Unavailable"),
  INVALID_TO(21211, 400, "The 'To' number %s is not a valid phone number."),
  INVALID_FROM(
      21212,
      400,
      "The 'From' number %s is not a valid phone number, shortcode, or alphanumeric sender ID."),
  BODY_REQUIRED(21602, 400, "Message body is required."),
  FROM_REQUIRED(
      21603, 400, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."),
  TO_REQUIRED(21604, 400, "A 'To' phone number is required."),
  INVALID_STATUS_CALLBACK(21609, 400, "The StatusCallback URL %s is not a valid URL."),
  UNSUBSCRIBED(21610, 400, "Attempt to send to unsubscribed recipient"),
  NOT_MOBILE(21614, 400, "'To' number is not a valid mobile number"),
  BODY_TOO_LONG(21617, 400, "The concatenated message body exceeds the 1600 character limit."),
  INVALID_MESSAGING_SERVICE(21701, 400, "The Messaging Service Sid %s is invalid.");

  private final int code;
  private final int status;
  private final String message;

  TwilioError(int code, int status, String message) {
    this.code = code;
    this.status = status;
    this.message = message;
  }

  /** Twilio's error code, as in {@code code} and in the {@code more_info} link. */
  public int code() {
    return code;
  }

  /** The HTTP status it comes with. */
  public int status() {
    return status;
  }

  /** The message, with {@code subject} put in where Twilio names the number or SID. */
  public String message(String subject) {
    return message.contains("%s") ? String.format(message, subject) : message;
  }

  /** The error with {@code code}. */
  public static TwilioError of(int code) {
    for (TwilioError e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    throw new IllegalArgumentException("the simulator does not speak Twilio error " + code);
  }
}
