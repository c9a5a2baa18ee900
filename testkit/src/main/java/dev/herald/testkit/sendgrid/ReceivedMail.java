package dev.herald.testkit.sendgrid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One mail the {@link SendGridSimulator} accepted: <b>one per personalization</b> of an accepted
 * {@code POST /v3/mail/send} request, with top-level values merged in as SendGrid merges them (a
 * personalization's {@code subject} replaces the top-level one; its {@code headers} and {@code
 * custom_args} are added to, and win over, the top-level ones).
 *
 * <p>All mails from one request share that request's {@code X-Message-Id} as {@link #messageId()}
 * and are told apart by {@link #personalizationIndex()}; SendGrid's event webhook reports an {@code
 * sg_message_id} that starts with the same id.
 *
 * @param messageId the {@code X-Message-Id} returned for the request
 * @param personalizationIndex index of the personalization in the request
 * @param from the sender's address: the personalization's {@code from.email} if it has one, else
 *     the top-level one
 * @param fromName the sender's display name, or {@code null}
 * @param to the personalization's {@code to} recipients, in order
 * @param cc the personalization's {@code cc} recipients (empty if none)
 * @param bcc the personalization's {@code bcc} recipients (empty if none)
 * @param replyTo {@code reply_to.email}, or {@code null}
 * @param subject the effective subject, or {@code null} when a template supplies it
 * @param html the first {@code text/html} content value, or {@code null}
 * @param text the first {@code text/plain} content value, or {@code null}
 * @param templateId {@code template_id}, or {@code null}
 * @param dynamicTemplateData the personalization's {@code dynamic_template_data}, or {@code null}
 * @param headers the effective custom headers
 * @param customArgs the effective {@code custom_args}
 * @param categories the request's {@code categories}
 * @param raw the whole request body as received, shared by the mails of one request (read it, do
 *     not modify it)
 * @param arrivedAt when its request arrived (the provider call started)
 */
public record ReceivedMail(
    String messageId,
    int personalizationIndex,
    String from,
    String fromName,
    List<Address> to,
    List<Address> cc,
    List<Address> bcc,
    String replyTo,
    String subject,
    String html,
    String text,
    String templateId,
    JsonNode dynamicTemplateData,
    Map<String, String> headers,
    Map<String, String> customArgs,
    List<String> categories,
    JsonNode raw,
    java.time.Instant arrivedAt) {

  public ReceivedMail {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(from, "from");
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    headers = Map.copyOf(headers);
    customArgs = Map.copyOf(customArgs);
    categories = List.copyOf(categories);
    Objects.requireNonNull(raw, "raw");
  }

  /** The {@code to} addresses only, in order. */
  public List<String> toEmails() {
    return to.stream().map(Address::email).toList();
  }

  /** Every recipient address of this personalization: to, then cc, then bcc. */
  public List<String> allRecipients() {
    return java.util.stream.Stream.of(to, cc, bcc)
        .flatMap(List::stream)
        .map(Address::email)
        .toList();
  }

  /** An e-mail address with an optional display name, as in SendGrid's {@code {email, name}}. */
  public record Address(String email, String name) {
    public Address {
      Objects.requireNonNull(email, "email");
    }
  }
}
