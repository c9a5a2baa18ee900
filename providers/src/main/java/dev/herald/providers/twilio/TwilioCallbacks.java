package dev.herald.providers.twilio;

import dev.herald.providers.Callback;
import dev.herald.providers.CallbackRefused;
import dev.herald.providers.CallbackReport;
import dev.herald.providers.CallbackReport.Notice;
import dev.herald.providers.CallbackReport.Once;
import dev.herald.providers.CallbackRequest;
import dev.herald.providers.Receipt;
import dev.herald.providers.Receipt.Ref;
import dev.herald.providers.SmsKeywords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Twilio's calls to Herald, both form-encoded and signed with {@code X-Twilio-Signature} (the
 * provider Secret's {@code authToken}): status callbacks at {@code …/status} and inbound SMS at
 * {@code …/inbound}. Twilio signs no timestamp: a replay is the same signature, and each callback
 * is honoured once by its message SID.
 */
final class TwilioCallbacks {
  /** Twilio's message SIDs (SMS and MMS): anything else cannot name a message of ours. */
  private static final Pattern MESSAGE_SID = Pattern.compile("^(SM|MM)[0-9a-fA-F]{32}$");

  /** Twilio's error for a message to a number that replied STOP. */
  static final String UNSUBSCRIBED = "21610";

  private TwilioCallbacks() {}

  static List<Callback> all() {
    return List.of(new Status(), new Inbound());
  }

  private static Map<String, String> verifiedForm(
      CallbackRequest request, Map<String, String> secret) {
    String authToken = secret.get("authToken");
    if (authToken == null || authToken.isBlank()) {
      throw CallbackRefused.notConfigured("authToken");
    }
    String signature = request.header(TwilioSignature.HEADER);
    if (signature == null || signature.isBlank()) {
      throw CallbackRefused.unsigned("the " + TwilioSignature.HEADER + " header is missing");
    }
    Map<String, String> form = request.form();
    if (!TwilioSignature.verifies(authToken, request.url(), form, signature)) {
      throw CallbackRefused.forged("the " + TwilioSignature.HEADER + " does not verify");
    }
    return form;
  }

  private abstract static class TwilioCallback implements Callback {
    @Override
    public CallbackReport read(CallbackRequest request, Map<String, String> secret, Instant now) {
      Map<String, String> form = verifiedForm(request, secret);
      return report("twilio:" + request.header(TwilioSignature.HEADER).strip(), form);
    }

    abstract CallbackReport report(String replayKey, Map<String, String> form);
  }

  /**
   * Delivery status: {@code delivered}, {@code undelivered} and {@code failed} move SMS deliveries.
   */
  static final class Status extends TwilioCallback {
    @Override
    public String path() {
      return "status";
    }

    @Override
    CallbackReport report(String replayKey, Map<String, String> form) {
      String sid = form.get("MessageSid");
      String status = form.getOrDefault("MessageStatus", "");
      Ref ref =
          Ref.providerMessage(
              sid, sid != null && MESSAGE_SID.matcher(sid).matches(), form.get("To"));
      Receipt receipt =
          sid == null || sid.isBlank()
              ? null
              : switch (status) {
                case "delivered" -> new Receipt.Delivered(ref);
                case "undelivered", "failed" ->
                    new Receipt.Failed(
                        ref, "undelivered", UNSUBSCRIBED.equals(form.get("ErrorCode")));
                default -> null;
              };
      Once once =
          sid == null || sid.isBlank() ? null : new Once("twilio-status", sid + ":" + status);
      return new CallbackReport(replayKey, List.of(new Notice(once, receipt)), null);
    }

    @Override
    public CallbackReport.Answer answer(CallbackReport report, CallbackReport.Tally tally) {
      return CallbackReport.Answer.noContent();
    }
  }

  /**
   * Inbound SMS: STOP, START and HELP as carriers match them ({@link SmsKeywords}); TwiML answers.
   */
  static final class Inbound extends TwilioCallback {
    @Override
    public String path() {
      return "inbound";
    }

    @Override
    CallbackReport report(String replayKey, Map<String, String> form) {
      String sid = form.get("MessageSid");
      Once once = sid == null || sid.isBlank() ? null : new Once("twilio-inbound", sid);
      String body = form.getOrDefault("Body", "");
      return new CallbackReport(
          replayKey,
          List.of(new Notice(once, SmsKeywords.receipt(form.get("From"), body))),
          SmsKeywords.asksForHelp(body) ? SmsKeywords.HELP_REPLY : null);
    }

    @Override
    public CallbackReport.Answer answer(CallbackReport report, CallbackReport.Tally tally) {
      String reply =
          report.help() == null || tally.fresh() == 0
              ? ""
              : "<Message>" + report.help() + "</Message>";
      return new CallbackReport.Answer(
          200,
          "text/xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + reply + "</Response>");
    }
  }
}
