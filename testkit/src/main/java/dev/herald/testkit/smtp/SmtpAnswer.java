package dev.herald.testkit.smtp;

import java.util.Locale;

/**
 * What the {@link SmtpSimulator} answers to a recipient instead of accepting it. A recipient whose
 * local part is an answer's {@link #localPart()} ({@code user-unknown@example.com}) always gets it;
 * any other can be scripted ({@link SmtpSimulator#answer}, {@link SmtpSimulator#answerNext}).
 */
public enum SmtpAnswer {
  /** 550 5.1.1: no such mailbox. */
  USER_UNKNOWN(
      550,
      "5.1.1",
      "<%s>: Recipient address rejected: User unknown in virtual mailbox table",
      false),
  /** 550 without an enhanced status code, as older relays answer. */
  MAILBOX_UNAVAILABLE(550, null, "Requested action not taken: mailbox unavailable", false),
  /** 552 5.2.2: the mailbox is full. */
  MAILBOX_FULL(552, "5.2.2", "<%s>: Mailbox full", false),
  /** 452 4.2.2: the mailbox is full for now. */
  MAILBOX_FULL_FOR_NOW(452, "4.2.2", "<%s>: Mailbox full, try again later", false),
  /** 451 4.3.0: a local error at the relay. */
  TRY_LATER(451, "4.3.0", "Temporary lookup failure", false),
  /** 550 5.7.1: relaying or sending denied by policy. */
  POLICY(550, "5.7.1", "<%s>: Relay access denied", false),
  /** 421 4.3.2 and the connection closed: the relay is shutting down. */
  SHUTTING_DOWN(421, "4.3.2", "Service shutting down, closing transmission channel", true),
  /** No answer: the connection is closed at once. */
  DROP(0, null, null, true),
  /** No answer, the connection held open until the client gives up (or the simulator closes). */
  HANG(0, null, null, false);

  private final int code;
  private final String enhanced;
  private final String text;
  private final boolean closes;

  SmtpAnswer(int code, String enhanced, String text, boolean closes) {
    this.code = code;
    this.enhanced = enhanced;
    this.text = text;
    this.closes = closes;
  }

  /** The reply code, 0 for none. */
  public int code() {
    return code;
  }

  /** The enhanced status code (RFC 3463), or null. */
  public String enhanced() {
    return enhanced;
  }

  /** Whether the simulator closes the connection after it. */
  public boolean closes() {
    return closes;
  }

  /** The recipient local part that always gets this answer: the name in lower case with dashes. */
  public String localPart() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The reply line for {@code recipient}, or null for none. */
  String line(String recipient) {
    if (code == 0) {
      return null;
    }
    return code + " " + (enhanced == null ? "" : enhanced + " ") + text.replace("%s", recipient);
  }
}
