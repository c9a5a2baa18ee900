package dev.herald.providers.smtp;

import dev.herald.api.provider.SmtpSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.log.Mask;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.smtp.SmtpReplies.Failure;
import dev.herald.providers.smtp.SmtpReplies.Stage;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.Optional;

/** Sends one e-mail per delivery over SMTP, on a pooled connection ({@link SmtpConnections}). */
final class SmtpClient implements ProviderClient {
  /** The header that ties a mail (and a bounce quoting its headers) to Herald's delivery. */
  static final String DELIVERY_ID_HEADER = "X-Herald-Delivery-Id";

  private final String providerName;
  private final SmtpSettings settings;
  private final SmtpConnections connections;
  private final String username;
  private final Optional<UnsubscribeLinks> unsubscribe;

  SmtpClient(
      String providerName,
      SmtpSettings settings,
      SmtpConnections connections,
      String username,
      Optional<UnsubscribeLinks> unsubscribe) {
    this.providerName = providerName;
    this.settings = settings;
    this.connections = connections;
    this.username = username;
    this.unsubscribe = unsubscribe;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    if (!(content instanceof RenderedEmail email)) {
      return new SendResult.Permanent(
          "wrong_content", "provider " + providerName + " sends e-mail only");
    }
    if (email.html() == null && email.text() == null) {
      return new SendResult.Permanent(
          "empty_mail", "the rendered e-mail has neither html nor text");
    }
    InternetAddress to;
    try {
      to = new InternetAddress(delivery.address(), true);
    } catch (AddressException e) {
      return new SendResult.Permanent(
          "InvalidAddress",
          "not an e-mail address: " + Mask.email(delivery.address()),
          SendResult.AddressVerdict.INVALID);
    }
    MimeMessage message;
    String messageId;
    try {
      messageId = messageId(delivery, email);
      message = message(connections.session(), delivery, email, to, messageId);
    } catch (MessagingException | UnsupportedEncodingException e) {
      return new SendResult.Permanent(
          "invalid_mail", SmtpReplies.clean(e.getMessage(), delivery.address(), username));
    }
    SmtpConnections.Connection connection;
    try {
      connection = connections.borrow();
    } catch (MessagingException e) {
      return SmtpReplies.of(e, Stage.CONNECT, delivery.address(), username).result();
    }
    boolean usable = false;
    try {
      connection.transport.sendMessage(message, new Address[] {to});
      usable = true;
      return new SendResult.Accepted(messageId);
    } catch (MessagingException e) {
      Failure failure = SmtpReplies.of(e, Stage.DATA, delivery.address(), username);
      usable = failure.connectionUsable();
      return failure.result();
    } catch (IllegalStateException e) {
      // "Not connected": the relay closed the connection between the check and the send
      return new SendResult.Retry("connection_lost", "the relay closed the connection", null);
    } finally {
      connections.release(connection, usable);
    }
  }

  /**
   * The same for every attempt of a delivery: a mail sent twice (its answer lost, then retried)
   * carries one Message-ID, which receiving systems use to drop the copy.
   */
  private String messageId(DeliveryMessage delivery, RenderedEmail email) {
    String from = email.from() != null ? email.from() : settings.from();
    String domain = from.substring(from.lastIndexOf('@') + 1);
    return "<" + delivery.deliveryId() + "@" + domain + ">";
  }

  private MimeMessage message(
      Session session,
      DeliveryMessage delivery,
      RenderedEmail email,
      InternetAddress to,
      String messageId)
      throws MessagingException, UnsupportedEncodingException {
    MimeMessage message = new FixedIdMessage(session, messageId);
    message.setFrom(
        email.from() != null
            ? new InternetAddress(email.from(), email.fromName(), "UTF-8")
            : new InternetAddress(
                settings.from(),
                email.fromName() != null ? email.fromName() : settings.fromName(),
                "UTF-8"));
    if (email.replyTo() != null) {
      message.setReplyTo(new Address[] {new InternetAddress(email.replyTo())});
    }
    message.setRecipient(Message.RecipientType.TO, to);
    // a line break in a rendered subject would end the header and start another
    message.setSubject(
        email.subject() == null ? "" : email.subject().replaceAll("[\\r\\n]+", " "), "UTF-8");
    message.setSentDate(new Date());
    message.setHeader(DELIVERY_ID_HEADER, delivery.deliveryId().toString());
    // RFC 8058 one-click unsubscribe on every e-mail that honours opt-outs, as with SendGrid.
    if (!email.critical()) {
      unsubscribe.ifPresent(
          links -> {
            try {
              message.setHeader(
                  "List-Unsubscribe",
                  "<" + links.link(delivery.tenant(), delivery.deliveryId()) + ">");
              message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            } catch (MessagingException e) {
              throw new IllegalStateException(e);
            }
          });
    }
    if (email.text() != null && email.html() != null) {
      // text first: a mail client shows the last alternative it can render
      MimeMultipart alternative = new MimeMultipart("alternative");
      MimeBodyPart text = new MimeBodyPart();
      text.setText(email.text(), "UTF-8", "plain");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(email.html(), "UTF-8", "html");
      alternative.addBodyPart(text);
      alternative.addBodyPart(html);
      message.setContent(alternative);
    } else if (email.html() != null) {
      message.setText(email.html(), "UTF-8", "html");
    } else {
      message.setText(email.text(), "UTF-8", "plain");
    }
    message.saveChanges();
    return message;
  }

  @Override
  public void close() {
    connections.close();
  }

  /** Keeps Herald's Message-ID: Jakarta Mail would make its own in {@code saveChanges()}. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
