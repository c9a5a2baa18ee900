package dev.herald.providers.sendgrid;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import dev.herald.api.provider.SendGridSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderErrorTable;
import dev.herald.providers.ProviderErrorTable.Action;
import dev.herald.providers.SendResult;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Sends one e-mail per delivery through SendGrid's v3 Mail Send API. */
final class SendGridClient implements ProviderClient {
  /**
   * SendGrid's answers
   * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send#responses).
   */
  static final ProviderErrorTable ERRORS =
      new ProviderErrorTable(
          Map.of(
              400, Action.PERMANENT,
              // A rejected key is the provider's configuration, not the recipient's fault: the
              // delivery
              // waits for the key to be fixed until its retries run out.
              401, Action.RETRY,
              403, Action.RETRY,
              413, Action.PERMANENT,
              429, Action.RETRY),
          Action.PERMANENT,
          Action.RETRY);

  /** Above SendGrid's 30 MB message limit nothing is sent. */
  static final int MAX_PAYLOAD_BYTES = 30 * 1024 * 1024;

  private final String providerName;
  private final SendGrid sendGrid;
  private final Closeable http;
  private final SendGridSettings settings;

  private final java.util.Optional<dev.herald.core.unsubscribe.UnsubscribeLinks> unsubscribe;

  SendGridClient(
      String providerName,
      SendGrid sendGrid,
      Closeable http,
      SendGridSettings settings,
      java.util.Optional<dev.herald.core.unsubscribe.UnsubscribeLinks> unsubscribe) {
    this.unsubscribe = unsubscribe;
    this.providerName = providerName;
    this.sendGrid = sendGrid;
    this.http = http;
    this.settings = settings;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    if (!(content instanceof RenderedEmail email)) {
      return new SendResult.Permanent(
          "wrong_content", "provider " + providerName + " sends e-mail only");
    }
    String body;
    try {
      body = mail(delivery, email).build();
    } catch (IOException e) {
      return new SendResult.Permanent("invalid_mail", e.getMessage());
    }
    if (body.length() > MAX_PAYLOAD_BYTES) {
      return new SendResult.Permanent("payload_too_large", "e-mail exceeds SendGrid's 30 MB limit");
    }
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    request.setBody(body);
    Response response;
    try {
      response = sendGrid.api(request);
    } catch (IOException e) {
      return new SendResult.Retry(
          "io_error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
    int status = response.getStatusCode();
    if (status == 202 || status == 200) {
      return new SendResult.Accepted(header(response, "X-Message-Id"));
    }
    String message = "HTTP " + status + ": " + errorMessage(response.getBody());
    return ERRORS.classify(status) == Action.RETRY
        ? new SendResult.Retry("http_" + status, message, retryAfter(response))
        : new SendResult.Permanent("http_" + status, message);
  }

  private Mail mail(DeliveryMessage delivery, RenderedEmail email) {
    Mail mail = new Mail();
    mail.setFrom(
        email.from() != null
            ? new Email(email.from(), email.fromName())
            : new Email(
                settings.from(),
                email.fromName() != null ? email.fromName() : settings.fromName()));
    if (email.replyTo() != null) {
      mail.setReplyTo(new Email(email.replyTo()));
    }
    mail.setSubject(email.subject());
    Personalization to = new Personalization();
    to.addTo(new Email(delivery.address()));
    to.addCustomArg("herald_delivery_id", delivery.deliveryId().toString());
    to.addCustomArg("herald_tenant", delivery.tenant());
    mail.addPersonalization(to);
    // RFC 8058 one-click unsubscribe on every e-mail that honours opt-outs.
    if (!email.critical()) {
      unsubscribe.ifPresent(
          links -> {
            mail.addHeader(
                "List-Unsubscribe",
                "<" + links.link(delivery.tenant(), delivery.deliveryId()) + ">");
            mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
          });
    }
    // SendGrid requires text/plain before text/html.
    if (email.text() != null) {
      mail.addContent(new Content("text/plain", email.text()));
    }
    if (email.html() != null) {
      mail.addContent(new Content("text/html", email.html()));
    }
    return mail;
  }

  /**
   * 429: {@code X-RateLimit-Reset} (epoch seconds); 5xx: {@code Retry-After} (seconds) if given.
   */
  static Duration retryAfter(Response response) {
    String reset = header(response, "X-RateLimit-Reset");
    if (reset != null) {
      try {
        Duration d =
            Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.trim())));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String after = header(response, "Retry-After");
    if (after != null) {
      try {
        return Duration.ofSeconds(Long.parseLong(after.trim()));
      } catch (NumberFormatException ignored) {
        return null;
      }
    }
    return null;
  }

  /** sendgrid-java keeps headers case-sensitively; HTTP names are not. */
  static String header(Response response, String name) {
    if (response.getHeaders() == null) {
      return null;
    }
    return response.getHeaders().entrySet().stream()
        .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  /** The first entry of SendGrid's {@code errors} array, with its field, or the raw body. */
  static String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return "(no body)";
    }
    try {
      JsonNode first = Json.MAPPER.readTree(body).path("errors").path(0);
      if (!first.isMissingNode()) {
        String field = first.path("field").isTextual() ? first.path("field").asText() + ": " : "";
        return field + first.path("message").asText();
      }
    } catch (IOException ignored) {
      // not JSON: report it as it came, shortened
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
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
