package dev.herald.providers.vonage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.vonage.client.VonageApiResponseException;
import com.vonage.client.VonageClientException;
import com.vonage.client.VonageResponseParseException;
import com.vonage.client.sms.MessageStatus;
import com.vonage.client.sms.SmsClient;
import com.vonage.client.sms.SmsSubmissionResponse;
import com.vonage.client.sms.SmsSubmissionResponseMessage;
import com.vonage.client.sms.messages.TextMessage;
import dev.herald.api.provider.VonageSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.log.Mask;
import dev.herald.core.sms.SmsSegments;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.providers.OutgoingSms;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.SendResult;
import dev.herald.providers.vonage.VonageClients.LastAnswer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.http.impl.client.CloseableHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one SMS per delivery through Vonage's SMS API ({@code POST /sms/json}), with the Vonage
 * SDK. Vonage answers 200 for most refusals too, with a status per message part: {@link #ERRORS}.
 */
final class VonageSmsClient implements ProviderClient {
  private static final Logger LOG = LoggerFactory.getLogger(VonageSmsClient.class);

  /** How long the provider pauses after a throttling answer without {@code Retry-After}. */
  static final Duration RATE_WAIT = Duration.ofSeconds(1);

  /** How long it pauses when the account itself cannot send (suspended, out of credit). */
  static final Duration ACCOUNT_WAIT = Duration.ofMinutes(1);

  /** Vonage's bounds on a message's time to live. */
  private static final long MIN_TTL_MS = 20_000;

  private static final long MAX_TTL_MS = 604_800_000;

  /**
   * Vonage's SMS statuses (the SDK's {@link MessageStatus}, see
   * https://developer.vonage.com/messaging/sms/guides/troubleshooting-sms), each named once.
   * Retried: throttling and outages, and the account's own configuration (credentials, signing,
   * suspension, credit), which waits for a fix rather than blaming the recipient.
   */
  static final ProviderCodeTable<Integer> ERRORS =
      ProviderCodeTable.<Integer>builder()
          // 1 throttled, 10 too many binds; 5 internal error, 13 communication failure (no longer
          // used)
          .with(Meaning.RETRY, 1, 10, 5, 13)
          // 4 invalid credentials, 11 account not provisioned for the SMS API, 14 invalid
          // signature,
          // 32 signed request with an api_secret; 8 account barred, 9 out of credit
          .with(Meaning.RETRY, 4, 11, 14, 32, 8, 9)
          // 7 number barred: the recipient is on the account's blocklist (in the US, they replied
          // STOP)
          .with(Meaning.OPTED_OUT, 7)
          // 33 number de-activated
          .with(Meaning.INVALID_ADDRESS, 33)
          // 2 missing and 3 invalid parameters, 6 invalid message (unroutable), 12 too long, 15
          // illegal
          // sender for the destination, 16 ttl, 17 unreachable, 18 destinations, 19 facility, 20
          // class
          // (16-20 no longer used), 22 network code, 23 callback URL, 29 destination not
          // whitelisted (trial account)
          .with(Meaning.PERMANENT, 2, 3, 6, 12, 15, 16, 17, 18, 19, 20, 22, 23, 29)
          .build();

  private final String providerName;
  private final SmsClient sms;
  private final LastAnswer last;
  private final CloseableHttpClient http;
  private final VonageSettings settings;
  private final String from;

  VonageSmsClient(
      String providerName,
      SmsClient sms,
      LastAnswer last,
      CloseableHttpClient http,
      VonageSettings settings) {
    this.providerName = providerName;
    this.sms = sms;
    this.last = last;
    this.http = http;
    this.settings = settings;
    String sender = settings.from().strip();
    // numbers go without the +, as Vonage writes them; an alphanumeric id as it is
    this.from = sender.startsWith("+") ? sender.substring(1) : sender;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    OutgoingSms checked;
    switch (OutgoingSms.of(providerName, delivery, content)) {
      case OutgoingSms.Refuse refuse -> {
        return refuse.result();
      }
      case OutgoingSms.Send send -> checked = send.sms();
    }
    String body = checked.body();
    String to = checked.to();
    // GSM-7 text goes as text; anything else as unicode (UCS-2), or Vonage would mangle it
    TextMessage message = new TextMessage(from, to.substring(1), body, !SmsSegments.isGsm7(body));
    // echoed in every part's delivery receipt: it finds the delivery whichever part reports
    message.setClientReference(delivery.deliveryId().toString());
    if (settings.statusCallback() != null) {
      message.setCallbackUrl(settings.statusCallback());
      message.setStatusReportRequired(true);
    }
    if (delivery.expiresAt() != null) {
      // no carrier keeps trying past the notification's expiry (Vonage's bounds: 20 s to 7 days)
      long ttl = Duration.between(Instant.now(), delivery.expiresAt()).toMillis();
      message.setTimeToLive(Math.max(MIN_TTL_MS, Math.min(MAX_TTL_MS, ttl)));
    }
    last.clear();
    try {
      return result(sms.submitMessage(message), delivery.address(), to);
    } catch (VonageResponseParseException e) {
      return unreadable(e, delivery.address());
    } catch (VonageApiResponseException e) {
      return httpFailure(e, delivery.address(), to);
    } catch (VonageClientException e) {
      return ioFailure(e, delivery.address());
    }
  }

  private SendResult result(SmsSubmissionResponse response, String address, String to) {
    List<SmsSubmissionResponseMessage> parts = response == null ? null : response.getMessages();
    if (parts == null || parts.isEmpty()) {
      return new SendResult.Retry(
          "malformed_answer", "Vonage answered without a status for the message", null);
    }
    SmsSubmissionResponseMessage accepted = null;
    SmsSubmissionResponseMessage refused = null;
    for (SmsSubmissionResponseMessage part : parts) {
      if (part.getStatus() == MessageStatus.OK) {
        accepted = accepted == null ? part : accepted;
      } else if (refused == null) {
        refused = part;
      }
    }
    if (refused == null) {
      return new SendResult.Accepted(accepted.getId());
    }
    if (accepted != null) {
      // some parts went out: sending again would repeat them, so it counts as sent
      LOG.warn(
          "{}: Vonage took {} of {} parts of the SMS to {}; part status {}",
          providerName,
          parts.stream().filter(p -> p.getStatus() == MessageStatus.OK).count(),
          parts.size(),
          Mask.phone(to),
          refused.getStatus());
      return new SendResult.Accepted(accepted.getId());
    }
    MessageStatus status =
        refused.getStatus() == null ? MessageStatus.UNKNOWN : refused.getStatus();
    int code = status.getMessageStatus();
    LastAnswer.Answer answer = last.get();
    int http = answer == null ? 200 : answer.status();
    String codeName = status == MessageStatus.UNKNOWN ? "vonage_unknown" : "vonage_" + code;
    String text =
        status.name().toLowerCase(java.util.Locale.ROOT)
            + ": "
            + clean(refused.getErrorText(), address, to);
    Meaning meaning =
        ERRORS.meaning(
            status == MessageStatus.UNKNOWN ? null : code, ProviderCodeTable.byHttpStatus(http));
    return meaning.result(codeName, text, retryAfter(code, answer));
  }

  /**
   * The pause a retried status asks for: Vonage's {@code Retry-After} if any, else by what it says.
   */
  private static Duration retryAfter(int code, LastAnswer.Answer answer) {
    if (answer != null && answer.retryAfter() != null) {
      return answer.retryAfter();
    }
    return switch (code) {
      case 1, 10 -> RATE_WAIT;
      case 8, 9 -> ACCOUNT_WAIT;
      default -> null;
    };
  }

  /** A non-2xx answer: the SDK keeps only its body; the status comes from the recorded answer. */
  private SendResult httpFailure(VonageApiResponseException e, String address, String to) {
    LastAnswer.Answer answer = last.get();
    int status = answer == null ? 0 : answer.status();
    Meaning meaning = status == 0 ? Meaning.RETRY : ProviderCodeTable.byHttpStatus(status);
    String body = clean(e.getMessage(), address, to);
    return meaning.result(
        "http_" + status,
        "HTTP " + status + ": " + body,
        answer == null ? null : answer.retryAfter());
  }

  /**
   * An answer that is not Vonage's JSON (a proxy's error page, a cut-off body). A 200 from Vonage
   * carries each part's status, so a garbled one does not say the message was taken: retried.
   */
  private SendResult unreadable(VonageResponseParseException e, String address) {
    if (e.getCause() instanceof IOException io && !(io instanceof JsonProcessingException)) {
      return new SendResult.Retry(
          io instanceof InterruptedIOException ? "timeout" : "io_error",
          describe(io, address),
          null);
    }
    LastAnswer.Answer answer = last.get();
    int status = answer == null ? 0 : answer.status();
    return new SendResult.Retry(
        "malformed_answer",
        "HTTP " + status + " with a body that is not Vonage's JSON",
        answer == null ? null : answer.retryAfter());
  }

  private static SendResult ioFailure(VonageClientException e, String address) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String code = cause instanceof InterruptedIOException ? "timeout" : "io_error";
    return new SendResult.Retry(code, describe(cause, address), null);
  }

  /**
   * Vonage's text with the recipient masked in every form it may take: as given, E.164, and without
   * the +.
   */
  private static String clean(String text, String address, String to) {
    return VonageClients.mask(
        ProviderText.clean(ProviderText.clean(text, "sms", address), "sms", to));
  }

  private static String describe(Throwable e, String address) {
    return e.getClass().getSimpleName() + ": " + ProviderText.clean(e.getMessage(), "sms", address);
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
