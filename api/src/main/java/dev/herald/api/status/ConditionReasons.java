package dev.herald.api.status;

/**
 * The reasons Herald gives in its kinds' conditions, so that tools and tests match them by name.
 * The README lists what each means.
 */
public final class ConditionReasons {
  private ConditionReasons() {}

  // ---- any kind ------------------------------------------------------------------------------
  /**
   * The spec breaks the schema or a rule the API server cannot check; the message names the field.
   */
  public static final String INVALID_SPEC = "InvalidSpec";

  // ---- Notification: Accepted ---------------------------------------------------------------
  public static final String ACCEPTED = "Accepted";
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";
  public static final String TEMPLATE_INVALID = "TemplateInvalid";
  public static final String CHANNEL_NOT_IN_TEMPLATE = "ChannelNotInTemplate";
  public static final String PROVIDER_NOT_FOUND = "ProviderNotFound";
  public static final String TOO_MANY_SEGMENTS = "TooManySegments";
  public static final String RENDER_FAILED = "RenderFailed";

  // ---- Notification: ProvidersReady ---------------------------------------------------------
  public static final String PROVIDERS_READY = "ProvidersReady";
  public static final String PROVIDER_NOT_READY = "ProviderNotReady";

  // ---- Notification: Waiting ----------------------------------------------------------------
  public static final String NOT_WAITING = "NotWaiting";
  public static final String CIRCUIT_OPEN = "CircuitOpen";
  public static final String NO_READY_PROVIDER = "NoReadyProvider";
  public static final String THROTTLED = "Throttled";
  public static final String RETRYING = "Retrying";

  // ---- Notification: Stored -----------------------------------------------------------------
  public static final String PRUNED = "Pruned";
  public static final String NOT_IN_STORE = "NotInStore";

  // ---- Notification: SpecChangeIgnored ------------------------------------------------------
  public static final String IMMUTABLE = "Immutable";

  // ---- DeliveryProvider: Ready --------------------------------------------------------------
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_UNREADABLE = "SecretUnreadable";
  public static final String CREDENTIALS_FOUND = "CredentialsFound";
  public static final String INVALID_CREDENTIALS = "InvalidCredentials";

  // ---- DeliveryProvider: Available ----------------------------------------------------------
  public static final String CIRCUIT_CLOSED = "CircuitClosed";
  public static final String CIRCUIT_HALF_OPEN = "CircuitHalfOpen";

  // ---- NotificationTemplate: Valid ----------------------------------------------------------
  /** A Campaign's schedule, zone and times can all work. */
  public static final String SCHEDULE_VALID = "ScheduleValid";

  /**
   * A Campaign's schedule, zone or a time of day passed the schema but cannot work (a cron
   * expression that never fires, an unknown zone): nothing is sent.
   */
  public static final String INVALID_SCHEDULE = "InvalidSchedule";

  public static final String COMPILED = "Compiled";
  public static final String TEMPLATE_SYNTAX_ERROR = "TemplateSyntaxError";
}
