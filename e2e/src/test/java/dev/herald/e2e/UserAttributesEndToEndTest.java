package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationSpec;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.notification.Recipient;
import dev.herald.core.Json;
import dev.herald.testkit.sendgrid.ReceivedMail;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Templates greet users by their contact-store attributes, as they are when the mail is sent: users
 * registered through the HTTP API, Notifications as CRs, mails at the SendGrid simulator.
 */
class UserAttributesEndToEndTest {
  private static final String SUBJECT = "Hi {{ user.firstName }}!";
  private static final String HTML = "<p>Hi {{ user.firstName }}</p><p>{{ user.motto }}</p>";
  private static final String TEXT = "Hi {{ user.firstName }}{{ user.address.city }}, {{ offer }}";

  private static HeraldEnvironment env;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-userattrs", Duration.ofSeconds(3));
    env.startDispatcher("dispatcher-userattrs");
    api = new ApiClient(env.operator.apiPort());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void theMailSaysTheUsersFirstNameEscapedInHtmlAndARawAddressGetsAnEmptyUser() {
    String ns = "greet";
    String key = apiKey(env, api, ns, "admin-key", "send,contacts,read");
    env.secret(ns, "sendgrid-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.sendgridProvider(ns, "sendgrid", "sendgrid-credentials");
    env.template(ns, "welcome", SUBJECT, HTML, TEXT);
    putUser(
        key,
        "ada",
        "ada@greet.example",
        "{\"firstName\": \"Ada\", \"motto\": \"<script>alert(1)</script>\"}");

    notification(ns, "welcome-1", Recipient.user("ada"), Recipient.email("raw@greet.example"));

    Notification done = env.awaitPhase(ns, "welcome-1", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(2);
    ReceivedMail ada = only(env.sendgrid.mailsTo("ada@greet.example"));
    assertThat(ada.subject()).isEqualTo("Hi Ada!");
    assertThat(ada.html())
        .isEqualTo("<p>Hi Ada</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        .doesNotContain("<script>");
    assertThat(ada.text()).isEqualTo("Hi Ada, 10% off");
    ReceivedMail raw = only(env.sendgrid.mailsTo("raw@greet.example"));
    assertThat(raw.subject()).isEqualTo("Hi !");
    assertThat(raw.text()).isEqualTo("Hi , 10% off");
  }

  @Test
  void anAttributeChangedBetweenAcceptanceAndSendIsSentAsItIsThen() throws Exception {
    String ns = "later";
    String key = apiKey(env, api, ns, "admin-key", "send,contacts,read");
    // The provider's Secret comes last: until then nothing can be sent, and the delivery waits.
    env.sendgridProvider(ns, "sendgrid", "sendgrid-credentials");
    env.template(ns, "welcome", SUBJECT, HTML, TEXT);
    putUser(key, "grace", "grace@later.example", "{\"firstName\": \"Grace\"}");

    notification(ns, "welcome-2", Recipient.user("grace"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "welcome-2");
              assertThat(HeraldEnvironment.condition(n, NotificationStatus.ACCEPTED).getStatus())
                  .isEqualTo("True");
            });
    assertThat(env.deliveryRows(ns)).isEqualTo(1);

    putUser(
        key,
        "grace",
        "grace@later.example",
        "{\"firstName\": \"Augusta\", \"address\": {\"city\": \" in London\"}}");
    assertThat(env.sendgrid.mailsTo("grace@later.example")).as("nothing sent yet").isEmpty();
    env.secret(ns, "sendgrid-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));

    env.awaitPhase(ns, "welcome-2", "Completed");
    ReceivedMail grace = only(env.sendgrid.mailsTo("grace@later.example"));
    assertThat(grace.subject()).isEqualTo("Hi Augusta!");
    assertThat(grace.text()).isEqualTo("Hi Augusta in London, 10% off");
  }

  private static void putUser(String key, String id, String email, String attributes) {
    var body = Json.MAPPER.createObjectNode().put("email", email);
    body.set("attributes", Json.read(attributes, JsonNode.class));
    var answer = api.send("PUT", "/v1/users/" + id, key, Json.write(body));
    assertThat(answer.status()).as(answer.toString()).isIn(200, 201);
  }

  private static void notification(String ns, String name, Recipient... recipients) {
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    NotificationSpec spec = new NotificationSpec();
    spec.setTemplate("welcome");
    spec.setChannels(List.of(Channel.EMAIL));
    spec.setRecipients(List.of(recipients));
    spec.setData(Map.of("offer", Json.MAPPER.getNodeFactory().textNode("10% off")));
    n.setSpec(spec);
    env.client().resource(n).create();
  }

  private static ReceivedMail only(List<ReceivedMail> mails) {
    assertThat(mails).hasSize(1);
    return mails.get(0);
  }
}
