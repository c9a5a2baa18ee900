package dev.herald.testkit.vonage;

/**
 * The SMS API's per-message statuses the simulator answers with, and the {@code error-text} Vonage
 * gives them (https://developer.vonage.com/messaging/sms/guides/troubleshooting-sms).
 */
public enum VonageStatus {
  OK(0, null),
  THROTTLED(1, "Throughput Rate Exceeded - please wait [ 1000 ] and retry"),
  MISSING_PARAMS(2, "Missing %s param"),
  INVALID_PARAMS(3, "Invalid %s param"),
  INVALID_CREDENTIALS(4, "Bad Credentials"),
  INTERNAL_ERROR(5, "Internal Error"),
  INVALID_MESSAGE(6, "Unroutable message - rejected"),
  NUMBER_BARRED(7, "Number %s is barred"),
  PARTNER_ACCOUNT_BARRED(8, "Partner account barred"),
  PARTNER_QUOTA_EXCEEDED(9, "Partner quota exceeded"),
  TOO_MANY_BINDS(10, "Too many existing binds"),
  ACCOUNT_NOT_HTTP(11, "Account not enabled for HTTP"),
  MESSAGE_TOO_LONG(12, "Message too long"),
  INVALID_SIGNATURE(14, "Invalid Signature"),
  INVALID_FROM_ADDRESS(15, "Illegal Sender Address - rejected"),
  INVALID_NETWORK_CODE(22, "Invalid Network Code"),
  INVALID_CALLBACK(23, "Invalid Callback Url"),
  NON_WHITELISTED_DESTINATION(29, "Non-Whitelisted Destination"),
  SIGNATURE_API_SECRET_DISALLOWED(32, "Signature And API Secret Disallowed"),
  NUMBER_DEACTIVATED(33, "Number De-activated");

  private final int code;
  private final String text;

  VonageStatus(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The {@code status} value. */
  public int code() {
    return code;
  }

  /** The {@code error-text}, with {@code subject} where Vonage names a parameter or number. */
  public String text(String subject) {
    return text == null ? null : text.contains("%s") ? String.format(text, subject) : text;
  }
}
