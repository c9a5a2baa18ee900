package dev.herald.providers.smtp;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SmtpSettings;
import dev.herald.api.provider.SmtpSettings.Security;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.core.unsubscribe.UnsubscribeTokens;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.ports.FreePorts;
import dev.herald.testkit.smtp.SmtpAnswer;
import dev.herald.testkit.smtp.SmtpSimulator;
import dev.herald.testkit.tls.TestCredentials;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP adapter through Jakarta Mail (Angus) against a real SMTP server: the simulator's front
 * and GreenMail.
 */
class SmtpClientTest {
  private static final Optional<UnsubscribeLinks> LINKS =
      Optional.of(
          new UnsubscribeLinks(
              new UnsubscribeTokens("k".repeat(32)),
              "https://herald.shop.example",
              Duration.ofDays(30),
              Clock.systemUTC()));
  private static SmtpSimulator relay;

  private final List<ProviderClient> clients = new ArrayList<>();
  private final RenderedEmail email =
      new RenderedEmail(
          "Your order ✓ shipped",
          "<p>Shipped <b>1001</b></p>",
          "Shipped 1001",
          null,
          "Shop Ünicode",
          null);

  @BeforeAll
  static void start() {
    relay = SmtpSimulator.start();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @BeforeEach
  void reset() {
    relay.reset();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(ProviderClient::close);
  }

  private ProviderClient client(
      SmtpSimulator sim, Security security, Map<String, String> secret, Integer maxConcurrency) {
    ProviderClient client =
        new SmtpProvider(LINKS)
            .client(
                TestDeliveries.config(
                    ProviderType.SMTP,
                    null,
                    spec -> {
                      spec.setSmtp(
                          new SmtpSettings(
                              sim.host(),
                              sim.port(),
                              security,
                              "orders@shop.example",
                              "Shop",
                              "dispatcher-1.herald.test"));
                      spec.setMaxConcurrency(maxConcurrency);
                    },
                    secret,
                    Duration.ofSeconds(2)));
    clients.add(client);
    return client;
  }

  private ProviderClient client() {
    return client(relay, Security.STARTTLS, relay.credentials(), null);
  }

  private static DeliveryMessage to(String address) {
    return TestDeliveries.delivery(Channel.EMAIL, null, address, Priority.NORMAL, null);
  }

  @Test
  void aMailGoesOutOverStartTlsWithAuthAsMultipartWithHeraldsHeaders() throws Exception {
    DeliveryMessage delivery = to("ada@example.com");
    SendResult result = client().send(delivery, email);

    assertThat(result).isInstanceOf(SendResult.Accepted.class);
    String messageId = ((SendResult.Accepted) result).providerMessageId();
    assertThat(messageId).isEqualTo("<" + delivery.deliveryId() + "@shop.example>");
    MimeMessage mail = relay.mailsTo("ada@example.com").getFirst();
    assertThat(mail.getMessageID()).isEqualTo(messageId);
    assertThat(mail.getHeader("X-Herald-Delivery-Id", null))
        .isEqualTo(delivery.deliveryId().toString());
    assertThat((InternetAddress) mail.getFrom()[0])
        .satisfies(
            from -> {
              assertThat(from.getAddress()).isEqualTo("orders@shop.example");
              assertThat(from.getPersonal()).isEqualTo("Shop Ünicode");
            });
    assertThat(mail.getSubject()).isEqualTo("Your order ✓ shipped");
    assertThat(mail.getHeader("List-Unsubscribe", null))
        .matches("<https://herald\\.shop\\.example/v1/unsubscribe/.+>");
    assertThat(mail.getHeader("List-Unsubscribe-Post", null))
        .isEqualTo("List-Unsubscribe=One-Click");
    assertThat(mail.getContentType()).startsWith("multipart/alternative");
    Multipart parts = (Multipart) mail.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Shipped 1001");
    assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
    assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>Shipped <b>1001</b></p>");
    assertThat(relay.sessions())
        .last()
        .satisfies(
            s -> {
              assertThat(s.tls()).isTrue();
              assertThat(s.authenticatedAs()).isEqualTo(relay.username());
              assertThat(s.heloName()).isEqualTo("dispatcher-1.herald.test");
            });
  }

  @Test
  void aCriticalMailHasNoUnsubscribeHeadersAndASingleBodyIsNotMultipart() throws Exception {
    client()
        .send(
            to("grace@example.com"),
            new RenderedEmail(
                "Reset", null, "Your code is 123456", null, null, "help@shop.example", true));
    MimeMessage mail = relay.mailsTo("grace@example.com").getFirst();
    assertThat(mail.getHeader("List-Unsubscribe")).isNull();
    assertThat(mail.isMimeType("text/plain")).isTrue();
    assertThat(mail.getContent()).isEqualTo("Your code is 123456");
    assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress())
        .isEqualTo("help@shop.example");
  }

  @Test
  void aLineBreakInTheRenderedSubjectCannotAddAHeader() throws Exception {
    client()
        .send(
            to("eve@example.com"),
            new RenderedEmail("Hi\r\nBcc: victim@example.com", null, "x", null, null, null));
    MimeMessage mail = relay.mailsTo("eve@example.com").getFirst();
    assertThat(mail.getHeader("Bcc")).isNull();
    assertThat(mail.getSubject()).isEqualTo("Hi Bcc: victim@example.com");
    assertThat(relay.mailsTo("victim@example.com")).isEmpty();
  }

  @Test
  void connectionsAreReusedUpToMaxConcurrencyAndOneTheRelayDroppedIsReplaced() {
    ProviderClient client = client(relay, Security.STARTTLS, relay.credentials(), 2);
    for (int i = 0; i < 5; i++) {
      assertThat(client.send(to("reuse" + i + "@example.com"), email))
          .isInstanceOf(SendResult.Accepted.class);
    }
    assertThat(relay.connections()).as("one connection, one AUTH for five mails").isEqualTo(1);
    assertThat(relay.authentications()).isEqualTo(1);

    relay.dropConnections();
    assertThat(client.send(to("after-drop@example.com"), email))
        .isInstanceOf(SendResult.Accepted.class);
    assertThat(relay.connections()).isEqualTo(2);
    assertThat(relay.mails()).hasSize(6);
  }

  @Test
  void concurrentSendsOpenConnectionsButOnlyMaxConcurrencyAreKept() throws Exception {
    ProviderClient client = client(relay, Security.STARTTLS, relay.credentials(), 2);
    List<Thread> threads = new ArrayList<>();
    List<SendResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 6; i++) {
      String address = "parallel" + i + "@example.com";
      threads.add(Thread.ofVirtual().start(() -> results.add(client.send(to(address), email))));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(results).hasSize(6).allMatch(r -> r instanceof SendResult.Accepted);
    await().atMost(Duration.ofSeconds(5)).until(() -> relay.openConnections() <= 2);
    assertThat(relay.mails()).hasSize(6);
  }

  @Test
  void anUnknownUserIsAnInvalidAddressAndTheConnectionStaysUsable() {
    ProviderClient client = client();
    SendResult result = client.send(to("user-unknown@example.com"), email);
    assertPermanent(result, "smtp_550_5.1.1", AddressVerdict.INVALID);
    assertThat(((SendResult.Permanent) result).message())
        .contains("RCPT TO", "User unknown")
        .doesNotContain("user-unknown@example.com");
    assertPermanent(
        client.send(to("mailbox-unavailable@example.com"), email),
        "smtp_550",
        AddressVerdict.INVALID);
    assertThat(client.send(to("fine@example.com"), email)).isInstanceOf(SendResult.Accepted.class);
    assertThat(relay.connections()).isEqualTo(1);
  }

  @Test
  void aFullMailboxFailsThisDeliveryOnlyAndAFullForNowIsRetried() {
    ProviderClient client = client();
    assertPermanent(
        client.send(to("mailbox-full@example.com"), email),
        "smtp_552_5.2.2",
        AddressVerdict.UNCHANGED);
    assertRetry(client.send(to("mailbox-full-for-now@example.com"), email), "smtp_452_4.2.2");
    assertRetry(client.send(to("try-later@example.com"), email), "smtp_451_4.3.0");
    assertThat(relay.mails()).isEmpty();
  }

  @Test
  void aPolicyRefusalIsTheProvidersConfigurationNotTheRecipients() {
    SendResult.Retry retry =
        assertRetry(client().send(to("policy@example.com"), email), "smtp_550_5.7.1");
    assertThat(retry.message()).contains("DeliveryProvider");
  }

  @Test
  void aShutdownOrADroppedConnectionIsRetriedOnAFreshConnection() {
    ProviderClient client = client();
    assertRetry(client.send(to("shutting-down@example.com"), email), "smtp_421_4.3.2");
    assertRetry(client.send(to("drop@example.com"), email), "connection_lost");
    relay.answerNext(1, SmtpAnswer.DROP);
    assertRetry(client.send(to("scripted@example.com"), email), "connection_lost");
    assertThat(client.send(to("scripted@example.com"), email))
        .isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void aRelayThatDoesNotAnswerTimesOutAndIsRetried() {
    relay.answer("slow@example.com", SmtpAnswer.HANG);
    assertRetry(client().send(to("slow@example.com"), email), "timeout");
  }

  @Test
  void aRefusedConnectionIsRetried() {
    int closedPort = FreePorts.find();
    ProviderClient client =
        new SmtpProvider(Optional.empty())
            .client(
                TestDeliveries.config(
                    ProviderType.SMTP,
                    null,
                    spec ->
                        spec.setSmtp(
                            new SmtpSettings(
                                "127.0.0.1",
                                closedPort,
                                Security.NONE,
                                "orders@shop.example",
                                null,
                                null)),
                    Map.of(),
                    Duration.ofSeconds(1)));
    clients.add(client);
    assertRetry(client.send(to("ada@example.com"), email), "connect_failed");
  }

  @Test
  void wrongCredentialsAreRetriedAndNeverShown() {
    Map<String, String> wrong = new HashMap<>(relay.credentials());
    wrong.put("password", "not-the-password-" + "x".repeat(8));
    SendResult.Retry retry =
        assertRetry(
            client(relay, Security.STARTTLS, wrong, null).send(to("ada@example.com"), email),
            "smtp_535_5.7.8");
    assertThat(retry.message()).doesNotContain(relay.username()).doesNotContain("not-the-password");
    assertThat(relay.mails()).isEmpty();
  }

  @Test
  void withoutTheCaTheSelfSignedRelayIsNotTrusted() {
    Map<String, String> noCa = new HashMap<>(relay.credentials());
    noCa.remove("caCertificate");
    assertRetry(
        client(relay, Security.STARTTLS, noCa, null).send(to("ada@example.com"), email),
        "tls_failed");
    Map<String, String> otherCa = new HashMap<>(relay.credentials());
    otherCa.put(
        "caCertificate",
        TestCredentials.pem(
            "CERTIFICATE", encoded(TestCredentials.selfSigned(TestCredentials.p256()))));
    assertRetry(
        client(relay, Security.STARTTLS, otherCa, null).send(to("ada@example.com"), email),
        "tls_failed");
    assertThat(relay.mails()).isEmpty();
  }

  @Test
  void startTlsIsRequiredNotOpportunistic() {
    try (SmtpSimulator plain = SmtpSimulator.start(Security.NONE)) {
      ProviderClient client = client(plain, Security.STARTTLS, plain.credentials(), null);
      assertRetry(client.send(to("ada@example.com"), email), "starttls_unavailable");
      assertThat(plain.mails()).isEmpty();
      assertThat(plain.authentications()).as("no AUTH in plain text").isZero();
    }
  }

  @Test
  void implicitTlsAndPlainRelaysWork() throws Exception {
    try (SmtpSimulator smtps = SmtpSimulator.start(Security.TLS);
        SmtpSimulator local = SmtpSimulator.withoutAuth(Security.NONE)) {
      assertThat(
              client(smtps, Security.TLS, smtps.credentials(), null)
                  .send(to("tls@example.com"), email))
          .isInstanceOf(SendResult.Accepted.class);
      assertThat(smtps.sessions()).last().satisfies(s -> assertThat(s.tls()).isTrue());
      assertThat(client(local, Security.NONE, Map.of(), null).send(to("plain@example.com"), email))
          .isInstanceOf(SendResult.Accepted.class);
      assertThat(local.sessions())
          .last()
          .satisfies(
              s -> {
                assertThat(s.tls()).isFalse();
                assertThat(s.authenticatedAs()).isNull();
              });
      assertThat(local.mailsTo("plain@example.com").getFirst().getSubject())
          .isEqualTo("Your order ✓ shipped");
    }
  }

  @Test
  void aRotatedSecretTakesEffectThroughTheRebuiltClientAndTheOldOnesConnectionsClose() {
    try (SmtpSimulator rotating = SmtpSimulator.start()) {
      ProviderClient before = client(rotating, Security.STARTTLS, rotating.credentials(), null);
      assertThat(before.send(to("one@example.com"), email)).isInstanceOf(SendResult.Accepted.class);
      assertThat(rotating.openConnections()).isEqualTo(1);

      rotating.rotateCredentials("herald-rotated", "rotated-password-1234");
      Map<String, String> rotated = new HashMap<>(rotating.credentials());
      ProviderClient after = client(rotating, Security.STARTTLS, rotated, null);
      assertThat(after.send(to("two@example.com"), email)).isInstanceOf(SendResult.Accepted.class);
      assertThat(rotating.sessions())
          .last()
          .satisfies(s -> assertThat(s.authenticatedAs()).isEqualTo("herald-rotated"));

      // the registry closes the client it replaced: its kept connection goes with it
      before.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> rotating.openConnections() == 1);
      assertThat(rotating.mails()).hasSize(2);
    }
  }

  @Test
  void whatIsNotAnEmailAddressOrNotEmailIsRefusedBeforeConnecting() {
    ProviderClient client = client();
    assertPermanent(
        client.send(to("not an address"), email), "InvalidAddress", AddressVerdict.INVALID);
    assertPermanent(
        client.send(
            to("ada@example.com"),
            new dev.herald.core.template.TemplateRenderer.RenderedSms("hi", null)),
        "wrong_content",
        AddressVerdict.UNCHANGED);
    assertThat(relay.connections()).isZero();
  }

  private static byte[] encoded(java.security.cert.X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
