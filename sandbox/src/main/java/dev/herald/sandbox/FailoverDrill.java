package dev.herald.sandbox;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.api.Channel;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationPhase;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.notification.Recipient;
import dev.herald.api.template.NotificationTemplate;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The second vendor of a channel at work. While SendGrid's and Twilio's simulators answer as if
 * down (503, Twilio's 20503), one notification goes to {@link #RECIPIENTS} e-mail addresses and as
 * many numbers in {@code shop}; the dispatchers' circuits for both open and the deliveries go out
 * through the next providers in {@code spec.order} — the SMTP relay of example 16 and Vonage of
 * example 17. Then both vendors are up again. Each address must reach the second vendor once.
 */
final class FailoverDrill {
  static final String NAMESPACE = "shop";
  static final String NAME = "vendor-outage-drill";
  static final String TEMPLATE = "order-update";

  /**
   * Per channel: enough failed calls in each of the sandbox's dispatchers for its circuit to open
   * (20 calls in 10 s, half of them failed).
   */
  static final int RECIPIENTS = 60;

  /**
   * How long the drill may take: its deliveries go out within seconds once both circuits opened.
   */
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  /**
   * More failed answers than the drill's deliveries can ask for (each is tried at most 8 times).
   */
  private static final int OUTAGE_CALLS = 2 * RECIPIENTS * 10;

  /** What reached the second vendors: the drill holds when each got one message per address. */
  record Result(String phase, int viaSmtp, int viaVonage, int viaSendGrid, int viaTwilio) {
    boolean held() {
      return "Completed".equals(phase)
          && viaSmtp == RECIPIENTS
          && viaVonage == RECIPIENTS
          && viaSendGrid == 0
          && viaTwilio == 0;
    }
  }

  private FailoverDrill() {}

  /** Whether the drill can run: its template is among the applied examples. */
  static boolean possible(KubernetesClient client) {
    return client
            .resources(NotificationTemplate.class)
            .inNamespace(NAMESPACE)
            .withName(TEMPLATE)
            .get()
        != null;
  }

  static Result run(
      KubernetesClient client, Simulators simulators, Duration timeout, PrintStream out)
      throws InterruptedException {
    int smtp = simulators.smtp().accepted();
    int vonage = simulators.vonage().accepted();
    int sendgrid = simulators.sendgrid().accepted();
    int twilio = simulators.twilio().accepted();
    out.printf(
        "%nFailover: SendGrid and Twilio are down (their simulators answer 503) while %s/%s goes to %d"
            + " addresses and %d numbers...%n",
        NAMESPACE, NAME, RECIPIENTS, RECIPIENTS);
    simulators.sendgrid().failNext(OUTAGE_CALLS, 503);
    simulators.twilio().failNext(OUTAGE_CALLS, 20503);
    String phase;
    try {
      client.resource(notification()).create();
      phase = awaitFinished(client, timeout);
    } finally {
      simulators.sendgrid().clearFaults();
      simulators.twilio().clearFaults();
    }
    Result result =
        new Result(
            phase,
            simulators.smtp().accepted() - smtp,
            simulators.vonage().accepted() - vonage,
            simulators.sendgrid().accepted() - sendgrid,
            simulators.twilio().accepted() - twilio);
    out.printf(
        "  %s %s: %d e-mails through smtp, %d SMS through vonage (sendgrid %d, twilio %d); both vendors are"
            + " up again%n",
        NAME,
        phase,
        result.viaSmtp(),
        result.viaVonage(),
        result.viaSendGrid(),
        result.viaTwilio());
    return result;
  }

  private static Notification notification() {
    List<Recipient> recipients = new ArrayList<>();
    for (int i = 0; i < RECIPIENTS; i++) {
      recipients.add(Recipient.email("outage-" + i + "@customers.example"));
      recipients.add(Recipient.phone(String.format("+4915112347%03d", i)));
    }
    NotificationSpec spec = new NotificationSpec();
    spec.setTemplate(TEMPLATE);
    spec.setChannels(List.of(Channel.EMAIL, Channel.SMS));
    spec.setRecipients(recipients);
    spec.setData(
        Map.of(
            "orderId", TextNode.valueOf("1010"), "status", TextNode.valueOf("delayed by a storm")));
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NAMESPACE).build());
    n.setSpec(spec);
    return n;
  }

  /** The drill's phase once it has finished, or the last one seen when the time is up. */
  private static String awaitFinished(KubernetesClient client, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Notification n =
          client.resources(Notification.class).inNamespace(NAMESPACE).withName(NAME).get();
      NotificationPhase phase =
          n == null || n.getStatus() == null ? null : n.getStatus().getPhase();
      if ((phase != null && phase.isFinished()) || Instant.now().isAfter(deadline)) {
        return phase == null ? "Pending" : phase.name();
      }
      TimeUnit.MILLISECONDS.sleep(300);
    }
  }
}
