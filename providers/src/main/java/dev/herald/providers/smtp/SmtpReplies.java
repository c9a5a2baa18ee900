package dev.herald.providers.smtp;

import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;
import dev.herald.providers.ProviderText;
import dev.herald.providers.SendResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * What an SMTP relay's answer means for a delivery: the reply code (RFC 5321) and, when the relay
 * gives one, the enhanced status code (RFC 3463), which wins. Like the other providers' tables, a
 * refused credential or policy is the provider's configuration — retried until it is fixed or the
 * attempts run out — and only an unknown mailbox condemns the address.
 */
final class SmtpReplies {
  /** Where in the SMTP transaction the relay answered. */
  enum Stage {
    CONNECT,
    MAIL_FROM,
    RCPT_TO,
    DATA
  }

  /** Enhanced status codes with a meaning of their own; the rest go by class (below). */
  static final ProviderCodeTable<String> ENHANCED =
      ProviderCodeTable.<String>builder()
          // bad destination mailbox, system, mailbox syntax; moved with no forwarding; null MX
          .with(Meaning.INVALID_ADDRESS, "5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10")
          // mailbox full, message too big for the mailbox or the system, media not supported: the
          // address is fine, this mail will not get there
          .with(Meaning.PERMANENT, "5.2.2", "5.2.3", "5.3.4", "5.6.1")
          .build();

  /** Reply codes without an enhanced code. */
  static final ProviderCodeTable<Integer> REPLY =
      ProviderCodeTable.<Integer>builder()
          // service closing, mailbox busy, local error, insufficient storage: try later
          .with(Meaning.RETRY, 421, 450, 451, 452)
          // authentication required, too weak, invalid, needs encryption: the provider's
          // configuration
          .with(Meaning.RETRY, 530, 534, 535, 538)
          .with(Meaning.PERMANENT, 552, 554)
          .build();

  /** The reply code, and the enhanced code that follows it. */
  private static final Pattern REPLY_LINE =
      Pattern.compile("^([2-5][0-9]{2})(?:[ -]([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b)?");

  /** A reply code inside Angus's own message ("... response: 421"). */
  private static final Pattern EMBEDDED_CODE = Pattern.compile("response: ([2-5][0-9]{2})\\b");

  private SmtpReplies() {}

  /** A failure's result, and whether the connection may serve another mail. */
  record Failure(SendResult result, boolean connectionUsable) {}

  /**
   * What the relay's reply {@code code} (with {@code enhanced}, or null) at {@code stage} means.
   */
  static Meaning meaning(Stage stage, int code, String enhanced) {
    if (code < 400) {
      return Meaning.RETRY; // no reply at all (a dropped connection), or nonsense
    }
    if (enhanced != null && enhanced.charAt(0) == (char) ('0' + code / 100)) {
      if (enhanced.startsWith("4.") || enhanced.startsWith("5.7.")) {
        return Meaning
            .RETRY; // transient, or authentication and policy: the provider's configuration
      }
      if (stage == Stage.MAIL_FROM) {
        return Meaning.RETRY; // the sender is the provider's (or template's) configuration
      }
      if (stage == Stage.RCPT_TO && enhanced.equals("5.1.0")) {
        return Meaning.INVALID_ADDRESS; // "other address status", said of the recipient
      }
      if (ENHANCED.names(enhanced)) {
        return ENHANCED.meaning(enhanced, Meaning.PERMANENT);
      }
    }
    if (code >= 500 && (stage == Stage.MAIL_FROM || stage == Stage.CONNECT)) {
      return Meaning.RETRY; // refused before any recipient: the provider's sender or account
    }
    if (code < 500 || REPLY.names(code)) {
      return REPLY.meaning(code, Meaning.RETRY);
    }
    if (stage == Stage.RCPT_TO && (code == 550 || code == 551 || code == 553)) {
      return Meaning.INVALID_ADDRESS; // mailbox unavailable, not local, name not allowed
    }
    return Meaning.PERMANENT;
  }

  /** What an exception of Jakarta Mail's means, from the relay's reply where there is one. */
  static Failure of(MessagingException e, Stage fallbackStage, String address, String username) {
    Stage stage = fallbackStage;
    int code = -1;
    String text = null;
    IOException io = null;
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 10; t = next(t)) {
      if (t instanceof SMTPAddressFailedException a && code < 0) {
        stage = Stage.RCPT_TO;
        code = a.getReturnCode();
        text = a.getMessage();
      } else if (t instanceof SMTPSenderFailedException s && code < 0) {
        stage = Stage.MAIL_FROM;
        code = s.getReturnCode();
        text = s.getMessage();
      } else if (t instanceof SMTPSendFailedException s && code < 0) {
        stage = stageOf(s.getCommand(), stage);
        code = s.getReturnCode();
        text = s.getMessage();
      } else if (t instanceof IOException x && io == null) {
        io = x;
      }
    }
    if (code < 0 && e instanceof AuthenticationFailedException) {
      text = e.getMessage();
      code = codeOf(text);
      stage = Stage.CONNECT;
    }
    if (code < 0 && e.getMessage() != null) {
      Matcher embedded = EMBEDDED_CODE.matcher(e.getMessage());
      if (embedded.find()) {
        code = Integer.parseInt(embedded.group(1));
        text = e.getMessage();
      }
    }
    if (code >= 400 && text != null) {
      Matcher reply = REPLY_LINE.matcher(text.strip());
      String enhanced = reply.find() ? reply.group(2) : null;
      Meaning meaning = meaning(stage, code, enhanced);
      String what =
          stage == Stage.CONNECT
              ? "connecting"
              : stage == Stage.MAIL_FROM
                  ? "MAIL FROM"
                  : stage == Stage.RCPT_TO ? "RCPT TO" : "DATA";
      String cause =
          meaning.action() == dev.herald.providers.ProviderErrorTable.Action.RETRY && code >= 500
              ? " (the relay refuses the provider's credentials, sender or policy; check the DeliveryProvider)"
              : "";
      String message =
          "relay answered " + what + " with " + clean(firstLine(text), address, username) + cause;
      return new Failure(
          meaning.result("smtp_" + code + (enhanced == null ? "" : "_" + enhanced), message, null),
          code != 421 && io == null);
    }
    return new Failure(
        new SendResult.Retry(transportCode(e, io), describe(e, io, address, username), null),
        false);
  }

  private static Throwable next(Throwable t) {
    return t instanceof MessagingException m && m.getNextException() != null
        ? m.getNextException()
        : t.getCause();
  }

  private static Stage stageOf(String command, Stage fallback) {
    if (command == null) {
      return fallback;
    }
    String c = command.toUpperCase(Locale.ROOT);
    return c.startsWith("MAIL")
        ? Stage.MAIL_FROM
        : c.startsWith("RCPT")
            ? Stage.RCPT_TO
            : c.equals(".") || c.startsWith("DATA") || c.startsWith("BDAT") ? Stage.DATA : fallback;
  }

  private static int codeOf(String text) {
    if (text == null) {
      return -1;
    }
    Matcher m = REPLY_LINE.matcher(text.strip());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Why no reply came: the relay is unreachable, slow, or its TLS is not what was asked for. */
  private static String transportCode(MessagingException e, IOException io) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("STARTTLS is required")) {
      return "starttls_unavailable";
    }
    if (e instanceof AuthenticationFailedException) {
      return "auth_failed";
    }
    return switch (io) {
      case SocketTimeoutException t -> "timeout";
      case ConnectException c -> "connect_failed";
      case UnknownHostException u -> "connect_failed";
      case NoRouteToHostException n -> "connect_failed";
      case SSLException s -> "tls_failed";
      case null -> "connection_lost";
      default -> "connection_lost";
    };
  }

  private static String describe(
      MessagingException e, IOException io, String address, String username) {
    String text =
        e.getMessage()
            + (io == null
                ? ""
                : " ("
                    + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + io.getMessage())
                    + ")");
    return clean(text, address, username);
  }

  private static String firstLine(String text) {
    String s = text.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).strip();
  }

  /** The recipient masked, and the AUTH user name (an access key id at some relays) removed. */
  static String clean(String text, String address, String username) {
    String out = text == null ? null : text.replace("\r", " ").replace("\n", " ").strip();
    if (out != null && username != null && !username.isBlank()) {
      out = out.replace(username, "***");
    }
    return ProviderText.clean(out, "email", address);
  }
}
