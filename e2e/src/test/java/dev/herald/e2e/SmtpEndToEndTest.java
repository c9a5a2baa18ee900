package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SmtpSettings;
import dev.herald.testkit.smtp.SmtpAnswer;
import dev.herald.testkit.smtp.SmtpSimulator;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * E-mail through an smtp DeliveryProvider: Notification → operator → Postgres → JetStream →
 * dispatcher → Jakarta Mail over STARTTLS with AUTH → the SMTP simulator, and back into the
 * delivery's recorded state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmtpEndToEndTest {
  private static final String NS = "mail";
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static HeraldEnvironment env;
  private static SmtpSimulator relay;

  @BeforeAll
  static void start() {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    env = HeraldEnvironment.start("e2e-smtp", Duration.ofSeconds(3));
    relay = SmtpSimulator.start();
    env.startDispatcher("dispatcher-smtp");
    env.secret(NS, "smtp-credentials", relay.credentials());
    DeliveryProviderSpec spec =
        HeraldEnvironment.providerSpec(ProviderType.SMTP, "smtp-credentials", null);
    spec.setSmtp(
        new SmtpSettings(
            relay.host(),
            relay.port(),
            SmtpSettings.Security.STARTTLS,
            "orders@shop.example",
            "Example Shop",
            "herald.shop.example"));
    env.provider(NS, "smtp", spec);
    env.template(
        NS,
        "order-shipped",
        "Order {{ orderId }} has shipped",
        "<p>Your order <b>{{ orderId }}</b>: {{ note }}</p>",
        "Order {{ orderId }} shipped");
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    if (env != null) {
      env.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  @Order(1)
  void aNotificationIsSentOverSmtpAndItsMessageIdRecorded() throws Exception {
    env.emailNotification(
        NS,
        "shipped-2001",
        "order-shipped",
        Map.of("orderId", "2001", "note", "<i>fragile</i>"),
        "ada@example.com");

    Notification done = env.awaitPhase(NS, "shipped-2001", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(1);
    MimeMessage mail = relay.mailsTo("ada@example.com").getFirst();
    assertThat(mail.getSubject()).isEqualTo("Order 2001 has shipped");
    Multipart parts = (Multipart) mail.getContent();
    assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Order 2001 shipped");
    assertThat((String) parts.getBodyPart(1).getContent())
        .contains("<b>2001</b>")
        .contains("&lt;i&gt;fragile");
    Map<String, String> row = delivery("ada@example.com");
    assertThat(row)
        .containsEntry("state", "sent")
        .containsEntry("provider", "smtp")
        .containsEntry("provider_message_id", mail.getMessageID());
    assertThat(mail.getHeader("X-Herald-Delivery-Id", null)).isEqualTo(row.get("id"));
    assertThat(relay.sessions())
        .last()
        .satisfies(
            s -> {
              assertThat(s.tls()).isTrue();
              assertThat(s.authenticatedAs()).isEqualTo(relay.username());
            });
  }

  @Test
  @Order(2)
  void anUnknownMailboxFailsTheDeliveryAndSuppressesTheAddress() throws Exception {
    relay.answer("gone@example.com", SmtpAnswer.USER_UNKNOWN);
    env.emailNotification(
        NS,
        "shipped-2002",
        "order-shipped",
        Map.of("orderId", "2002", "note", "n"),
        "gone@example.com",
        "grace@example.com");

    Notification done = env.awaitPhase(NS, "shipped-2002", "PartiallyFailed");
    assertThat(done.getStatus().getSent()).isEqualTo(1);
    assertThat(done.getStatus().getFailed()).isEqualTo(1);
    assertThat(delivery("gone@example.com"))
        .containsEntry("state", "failed")
        .containsEntry("failure_reason", "permanent")
        .containsEntry("last_error_code", "smtp_550_5.1.1")
        .containsEntry("attempts", "1");
    assertThat(suppression("gone@example.com")).isEqualTo("invalid_address");
    assertThat(relay.mailsTo("gone@example.com")).isEmpty();
    assertThat(relay.mailsTo("grace@example.com")).hasSize(1);
  }

  @Test
  @Order(3)
  void aFullMailboxFailsThisDeliveryButKeepsTheAddress() throws Exception {
    env.emailNotification(
        NS,
        "shipped-2003",
        "order-shipped",
        Map.of("orderId", "2003", "note", "n"),
        "mailbox-full@example.com");

    env.awaitPhase(NS, "shipped-2003", "Failed");
    assertThat(delivery("mailbox-full@example.com"))
        .containsEntry("state", "failed")
        .containsEntry("last_error_code", "smtp_552_5.2.2");
    assertThat(suppression("mailbox-full@example.com")).isNull();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noLogLineCarriesTheSmtpCredentials() {
    assertThat(LOGS.list).isNotEmpty();
    for (ILoggingEvent event : List.copyOf(LOGS.list)) {
      String line =
          event.getFormattedMessage()
              + (event.getThrowableProxy() == null
                  ? ""
                  : " " + event.getThrowableProxy().getMessage());
      assertThat(line)
          .as("log line")
          .doesNotContain(relay.password())
          .doesNotContain(relay.username());
    }
  }

  private static Map<String, String> delivery(String address) throws Exception {
    try (Connection c = env.database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select id, state, provider, provider_message_id, failure_reason, last_error_code, attempts"
                    + " from deliveries where tenant = ? and address = ?")) {
      ps.setString(1, NS);
      ps.setString(2, address);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a delivery to %s", address).isTrue();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
        }
        return row;
      }
    }
  }

  private static String suppression(String address) throws Exception {
    try (Connection c = env.database.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select reason from suppressions where tenant = ? and channel = 'email' and address = ?")) {
      ps.setString(1, NS);
      ps.setString(2, address);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
