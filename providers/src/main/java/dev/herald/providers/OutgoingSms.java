package dev.herald.providers;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.sms.SmsSegments;
import dev.herald.core.store.PhoneNumbers;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedSms;

/**
 * An SMS as every SMS provider checks it before its call: SMS content, a body that fits its
 * segments, and the number in E.164. A check that fails is a permanent failure, the same whichever
 * vendor would have sent it.
 */
public record OutgoingSms(String body, String to) {

  /** The SMS to send, or why none can be sent. */
  public sealed interface Check permits Send, Refuse {}

  public record Send(OutgoingSms sms) implements Check {}

  public record Refuse(SendResult.Permanent result) implements Check {}

  public static Check of(String providerName, DeliveryMessage delivery, Rendered content) {
    if (!(content instanceof RenderedSms rendered)) {
      return new Refuse(
          new SendResult.Permanent(
              "wrong_content", "provider " + providerName + " sends SMS only"));
    }
    String body = rendered.body();
    if (body == null || body.isBlank()) {
      return new Refuse(new SendResult.Permanent("EmptyBody", "the rendered SMS body is empty"));
    }
    String tooLong = SmsSegments.tooLong(body, rendered.maxSegments());
    if (tooLong != null) {
      return new Refuse(new SendResult.Permanent("TooManySegments", tooLong));
    }
    String to = PhoneNumbers.e164(delivery.address());
    if (to == null) {
      return new Refuse(
          new SendResult.Permanent(
              "InvalidNumber",
              "not a valid phone number: "
                  + ProviderText.clean(delivery.address(), "sms", delivery.address()),
              SendResult.AddressVerdict.INVALID));
    }
    return new Send(new OutgoingSms(body, to));
  }
}
