package dev.herald.testkit.fcm;

/**
 * The FCM HTTP v1 errors the simulator answers, each with its HTTP status, Google's canonical
 * {@code status} and the message FCM uses. All but {@link #UNAUTHENTICATED} carry an {@code
 * FcmError} detail whose {@code errorCode} is the constant's name.
 */
public enum FcmError {
  /** 404: the token was valid once and is no longer (app uninstalled, token rotated). */
  UNREGISTERED(404, "NOT_FOUND", "Requested entity was not found."),
  /** 400: the request is wrong; the field is named in a {@code BadRequest} detail. */
  INVALID_ARGUMENT(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
  /** 403: the token belongs to another sender (project). */
  SENDER_ID_MISMATCH(403, "PERMISSION_DENIED", "SenderId mismatch"),
  /** 429: the project or device is over its quota; comes with {@code Retry-After}. */
  QUOTA_EXCEEDED(
      429,
      "RESOURCE_EXHAUSTED",
      "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'."),
  /** 503: overloaded; may come with {@code Retry-After}. */
  UNAVAILABLE(503, "UNAVAILABLE", "The service is currently unavailable."),
  /** 500. */
  INTERNAL(500, "INTERNAL", "Internal error encountered."),
  /** 401: APNs or web push refused the project's credentials. */
  THIRD_PARTY_AUTH_ERROR(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"),
  /** 401 without an FCM detail: the OAuth2 access token is missing, unknown or expired. */
  UNAUTHENTICATED(
      401,
      "UNAUTHENTICATED",
      "Request had invalid authentication credentials. Expected OAuth 2 access "
          + "token, login cookie or other valid authentication credential. See "
          + "https://developers.google.com/identity/sign-in/web/devconsole-project.");

  private final int httpStatus;
  private final String status;
  private final String message;

  FcmError(int httpStatus, String status, String message) {
    this.httpStatus = httpStatus;
    this.status = status;
    this.message = message;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Google's canonical status ({@code error.status}). */
  public String status() {
    return status;
  }

  public String message() {
    return message;
  }

  /** Whether the body carries an {@code FcmError} detail. */
  public boolean hasFcmDetail() {
    return this != UNAUTHENTICATED;
  }
}
