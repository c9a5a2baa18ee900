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

  // ---- Campaign: Scheduled, and the Events of its runs ---------------------------------------
  /** Runs start when due; the message says when the next one is. */
  public static final String SCHEDULED = "Scheduled";

  /** {@code spec.suspend}: no run starts, and the runs under way were stopped. */
  public static final String SUSPENDED = "Suspended";

  /** A one-shot campaign has run, or a schedule has no further time. */
  public static final String NO_MORE_RUNS = "NoMoreRuns";

  /** {@code concurrencyPolicy: Forbid}: a due run waits for the one under way. */
  public static final String WAITING_FOR_ACTIVE_RUN = "WaitingForActiveRun";

  public static final String RUN_STARTED = "RunStarted";
  public static final String RUN_COMPLETED = "RunCompleted";
  public static final String RUN_PARTIALLY_FAILED = "RunPartiallyFailed";
  public static final String RUN_FAILED = "RunFailed";
  public static final String RUN_CANCELLED = "RunCancelled";

  /** Runs missed by more than {@code startingDeadlineSeconds}: skipped, with their count. */
  public static final String RUNS_SKIPPED = "RunsSkipped";

  /** CronJob's {@code TooManyMissedTimes}: more than 100 missed start times. */
  public static final String TOO_MANY_MISSED_TIMES = "TooManyMissedTimes";

  /** Writing a run's deliveries failed; it goes on from its checkpoint. */
  public static final String FAN_OUT_FAILED = "FanOutFailed";

  public static final String COMPILED = "Compiled";
  public static final String TEMPLATE_SYNTAX_ERROR = "TemplateSyntaxError";
}
