package dev.herald.providers.twilio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.providers.OutgoingSms;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.SendResult;
import dev.herald.providers.twilio.SingleAttemptHttpClient.Answer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;

/** Sends one SMS per delivery through Twilio's Messages API, with the twilio SDK. */
final class TwilioClient implements ProviderClient {
  /**
   * Twilio's error codes (https://www.twilio.com/docs/api/errors). Codes not named here are judged
   * by their HTTP status ({@link ProviderCodeTable#byHttpStatus}).
   */
  static final ProviderCodeTable<Integer> ERRORS =
      ProviderCodeTable.<Integer>builder()
          // 21211 invalid 'To' number, 21614 'To' is not a mobile number
          .with(Meaning.INVALID_ADDRESS, 21211, 21614)
          // 21610: the recipient replied STOP to this sender
          .with(Meaning.OPTED_OUT, 21610)
          // 20429 too many requests; 20003 authentication: the provider's credentials, not the
          // recipient, so the delivery waits for them to be fixed; 20500/20503 Twilio's outages
          .with(Meaning.RETRY, 20429, 20003, 20500, 20503)
          .build();

  private final String providerName;
  private final TwilioRestClient twilio;
  private final SingleAttemptHttpClient http;
  private final TwilioSettings settings;

  TwilioClient(
      String providerName,
      TwilioRestClient twilio,
      SingleAttemptHttpClient http,
      TwilioSettings settings) {
    this.providerName = providerName;
    this.twilio = twilio;
    this.http = http;
    this.settings = settings;
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
    MessageCreator creator =
        settings.from() != null
            ? Message.creator(
                new com.twilio.type.PhoneNumber(to),
                new com.twilio.type.PhoneNumber(settings.from()),
                body)
            : Message.creator(
                new com.twilio.type.PhoneNumber(to), settings.messagingServiceSid(), body);
    if (settings.statusCallback() != null) {
      creator.setStatusCallback(URI.create(settings.statusCallback()));
    }
    try {
      Message message = creator.create(twilio);
      return new SendResult.Accepted(message.getSid());
    } catch (ApiException e) {
      return failure(e, delivery.address(), to);
    } catch (TwilioException e) {
      return new SendResult.Retry("io_error", describe(e, delivery.address()), null);
    }
  }

  private SendResult failure(ApiException e, String address, String to) {
    Answer answer = http.lastAnswer();
    Throwable cause = e.getCause();
    if (e.getCode() == null && cause instanceof JsonProcessingException) {
      if (answer != null && answer.status() / 100 == 2) {
        // Twilio took the message; only its answer is garbled, so there is no SID to keep
        return new SendResult.Accepted(null);
      }
      int status = answer == null ? 0 : answer.status();
      return ProviderCodeTable.byHttpStatus(status)
          .result(
              "http_" + status,
              "HTTP " + status + " with a body that is not Twilio's JSON",
              answer == null ? null : answer.retryAfter());
    }
    if (cause instanceof IOException io) {
      String code = io instanceof InterruptedIOException ? "timeout" : "io_error";
      return new SendResult.Retry(code, describe(e, address), null);
    }
    Integer status =
        e.getStatusCode() != null ? e.getStatusCode() : answer != null ? answer.status() : null;
    Meaning fallback = status == null ? Meaning.RETRY : ProviderCodeTable.byHttpStatus(status);
    String code = e.getCode() != null ? "twilio_" + e.getCode() : "http_" + status;
    String message =
        (status != null ? "HTTP " + status + ": " : "")
            + ProviderText.clean(e.getMessage(), "sms", to);
    return ERRORS
        .meaning(e.getCode(), fallback)
        .result(
            code,
            ProviderText.clean(message, "sms", address),
            answer != null ? answer.retryAfter() : null);
  }

  private static String describe(Exception e, String address) {
    Throwable root = e.getCause() != null ? e.getCause() : e;
    return root.getClass().getSimpleName()
        + ": "
        + ProviderText.clean(root.getMessage(), "sms", address);
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
