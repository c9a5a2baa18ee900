package dev.herald.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.Preference;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.SchemaValidator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What must hold before a Notification's deliveries are written, and what is written: against a
 * contact store and a notification store in memory.
 */
class NotificationAcceptanceTest {
  private static final SchemaValidator SCHEMA = SchemaValidator.forResource(Notification.class);
  private static final TemplateRenderer RENDERER = new TemplateRenderer();

  private final InMemoryContacts contacts =
      new InMemoryContacts()
          .user("ada", "ada@shop.example", "+491701234567", "de")
          .user("bob", "bob@shop.example", null, null);
  private final InMemoryNotificationStore store = new InMemoryNotificationStore();
  private final AtomicInteger relayWakeUps = new AtomicInteger();
  private final NotificationAcceptance acceptance =
      new NotificationAcceptance(
          SCHEMA,
          RENDERER,
          new RecipientResolver(contacts, contacts),
          store,
          relayWakeUps::incrementAndGet,
          RetentionSettings.defaults());

  private static final NotificationTemplate TEMPLATE =
      Resources.template(
          """
      apiVersion: herald.dev/v1alpha1
      kind: NotificationTemplate
      metadata: {name: order-shipped, namespace: shop}
      spec:
        email: {subject: "Order {{ orderId }} shipped", text: "Hello {{ name }}"}
        sms: {body: "Order {{ orderId }} shipped"}
        locales:
          de:
            email: {subject: "Bestellung {{ orderId }}", text: "Hallo {{ vorname }}"}
      """);
  private static final NotificationTemplate CRITICAL =
      Resources.template(
          """
      apiVersion: herald.dev/v1alpha1
      kind: NotificationTemplate
      metadata: {name: password-reset, namespace: shop}
      spec:
        critical: true
        email: {subject: "Reset", text: "Your code is {{ code }}"}
      """);
  private static final List<DeliveryProvider> EMAIL_AND_SMS =
      List.of(provider("sendgrid", "sendgrid"), provider("twilio", "twilio"));

  private static DeliveryProvider provider(String name, String type) {
    // Never checked (no status): acceptance needs a provider to exist, not to be Ready.
    return Resources.provider(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: %s, namespace: shop, generation: 1}
        spec: {type: %s, secretRef: {name: creds}}
        """
            .formatted(name, type));
  }

  private static Notification notification(String spec) {
    return Resources.notification(
        """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: n, namespace: shop, uid: uid-1, generation: 1}
        spec:
        """
            + spec.indent(2));
  }

  private static ProblemAssert assertProblem(ThrowingCallable call) {
    return new ProblemAssert(call);
  }

  /** The reason, field and kind of the problem a call throws. */
  private record ProblemAssert(ThrowingCallable call) {
    void is(String reason, boolean terminal, String messageStart) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(
              ReconcileProblem.class,
              p -> {
                assertThat(p.reason()).isEqualTo(reason);
                assertThat(p.terminal()).as("terminal").isEqualTo(terminal);
                assertThat(p.getMessage()).startsWith(messageStart);
              });
    }
  }

  @Test
  void anAcceptedNotificationWritesEveryDeliveryOnceAndWakesTheRelay() throws Exception {
    acceptance.accept(
        notification(
            """
        template: order-shipped
        channels: [email, sms]
        recipients: [{user: ada}, {user: bob}, {email: cy@shop.example}, {user: ghost}]
        data: {name: Ada, vorname: Ada, orderId: "1003"}
        """),
        TEMPLATE,
        EMAIL_AND_SMS);

    assertThat(store.written())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.notification().channels()).containsExactly(Channel.EMAIL, Channel.SMS);
              assertThat(w.deliveries())
                  .extracting(
                      NewDelivery::userId,
                      NewDelivery::channel,
                      NewDelivery::address,
                      NewDelivery::state)
                  .containsExactlyInAnyOrder(
                      tuple("ada", Channel.EMAIL, "ada@shop.example", DeliveryState.PENDING),
                      tuple("ada", Channel.SMS, "+491701234567", DeliveryState.PENDING),
                      tuple("bob", Channel.EMAIL, "bob@shop.example", DeliveryState.PENDING),
                      tuple("bob", Channel.SMS, "", DeliveryState.SUPPRESSED),
                      tuple(null, Channel.EMAIL, "cy@shop.example", DeliveryState.PENDING),
                      tuple("ghost", Channel.EMAIL, "", DeliveryState.FAILED),
                      tuple("ghost", Channel.SMS, "", DeliveryState.FAILED));
            });
    assertThat(relayWakeUps).hasValue(1);
  }

  @Test
  void theSameNotificationAcceptedAgainWritesNothingNewAndDoesNotWakeTheRelay() throws Exception {
    Notification n =
        notification(
            """
        template: order-shipped
        channels: [email]
        recipients: [{user: bob}]
        data: {name: Bob, orderId: "1"}
        """);
    var first = acceptance.accept(n, TEMPLATE, EMAIL_AND_SMS);
    var again = acceptance.accept(n, TEMPLATE, EMAIL_AND_SMS);

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(store.written()).hasSize(1);
    assertThat(relayWakeUps).hasValue(1);
  }

  @Test
  void aMissingTemplateWaitsForItAndWritesNothing() {
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: order-shipped
        channels: [email]
        recipients: [{user: ada}]
        """),
                    null,
                    EMAIL_AND_SMS))
        .is(
            ConditionReasons.TEMPLATE_NOT_FOUND,
            false,
            "spec.template: NotificationTemplate \"order-shipped\" not found in namespace shop");
    assertThat(store.written()).isEmpty();
    assertThat(relayWakeUps).hasValue(0);
  }

  @Test
  void aChannelTheTemplateHasNoContentForIsNamedByItsIndex() {
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: order-shipped
        channels: [email, push]
        recipients: [{user: ada}]
        data: {name: Ada, vorname: Ada, orderId: "1"}
        """),
                    TEMPLATE,
                    EMAIL_AND_SMS))
        .is(
            ConditionReasons.CHANNEL_NOT_IN_TEMPLATE,
            false,
            "spec.channels[1]: NotificationTemplate \"order-shipped\" has no push content");
    assertThat(store.written()).isEmpty();
  }

  @Test
  void aChannelWithoutAnyProviderWaitsForOneButAProviderNotYetReadyIsEnough() throws Exception {
    Notification n =
        notification(
            """
        template: order-shipped
        channels: [sms]
        recipients: [{user: ada}]
        data: {orderId: "1"}
        """);
    assertProblem(() -> acceptance.accept(n, TEMPLATE, List.of(provider("sendgrid", "sendgrid"))))
        .is(
            ConditionReasons.PROVIDER_NOT_FOUND,
            false,
            "spec.channels: no DeliveryProvider for channel sms");
    assertThat(store.written()).isEmpty();

    acceptance.accept(n, TEMPLATE, EMAIL_AND_SMS);
    assertThat(store.written())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.deliveries())
                    .extracting(NewDelivery::state)
                    .containsExactly(DeliveryState.PENDING));
  }

  @Test
  void aVariableMissingInTheLocaleARecipientGetsFailsBeforeAnythingIsWritten() {
    // ada reads German, whose text needs "vorname"; bob's English content renders.
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: order-shipped
        channels: [email]
        recipients: [{user: bob}, {user: ada}]
        data: {name: Ada, orderId: "1"}
        """),
                    TEMPLATE,
                    EMAIL_AND_SMS))
        .is(ConditionReasons.RENDER_FAILED, false, "template.locales.de.email.text");
    assertThat(store.written()).isEmpty();
  }

  private static NotificationTemplate greeting(String text) {
    return Resources.template(
        """
        apiVersion: herald.dev/v1alpha1
        kind: NotificationTemplate
        metadata: {name: greeting, namespace: shop}
        spec:
          email: {subject: "Hi {{ user.firstName }}", text: "%s"}
        """
            .formatted(text));
  }

  @Test
  void aTemplateUsingTheUsersAttributesIsAcceptedForUsersAndRawAddresses() throws Exception {
    acceptance.accept(
        notification(
            """
        template: greeting
        channels: [email]
        recipients: [{user: ada}, {user: bob}, {email: cy@shop.example}]
        data: {offer: "10%"}
        """),
        greeting("{{ offer }} for {{ user.firstName | default('you') }} ({{ user.plan.name }})"),
        EMAIL_AND_SMS);

    assertThat(store.written())
        .singleElement()
        .satisfies(w -> assertThat(w.deliveries()).hasSize(3));
  }

  @Test
  void aTemplateThatWouldFailForAUserLackingAnAttributeIsRefusedAtAcceptance() {
    // Rendered with a user who has no attributes: a loop over an attribute some user lacks
    // would fail that user's send, so it fails here; the data check is as strict as ever.
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: greeting
        channels: [email]
        recipients: [{user: ada}]
        data: {offer: "10%"}
        """),
                    greeting("{% for i in user.interests %}{{ i }}{% endfor %}"),
                    EMAIL_AND_SMS))
        .is(ConditionReasons.RENDER_FAILED, false, "template.email.text");
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: greeting
        channels: [email]
        recipients: [{user: ada}]
        data: {offer: "10%"}
        """),
                    greeting("{{ offre }} {{ user.firstName }}"),
                    EMAIL_AND_SMS))
        .is(ConditionReasons.RENDER_FAILED, false, "template.email.text");
    assertThat(store.written()).isEmpty();
  }

  @Test
  void anInvalidSpecIsRefusedForGoodNamingTheField() {
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: order-shipped
        channels: [pigeon]
        recipients: [{user: ada}]
        """),
                    TEMPLATE,
                    EMAIL_AND_SMS))
        .is(
            ConditionReasons.INVALID_SPEC,
            true,
            "spec.channels[0]: must be one of email, push, sms");
    assertThat(store.written()).isEmpty();
  }

  @Test
  void aSendBeyondRetentionIsRefusedForGood() {
    assertProblem(
            () ->
                acceptance.accept(
                    notification(
                        """
        template: order-shipped
        channels: [email]
        recipients: [{user: ada}]
        sendAt: "2999-01-01T00:00:00Z"
        """),
                    TEMPLATE,
                    EMAIL_AND_SMS))
        .is(ConditionReasons.INVALID_SPEC, true, "spec.sendAt: 2999-01-01T00:00:00Z is more than");
    assertThat(store.written()).isEmpty();
  }

  @Test
  void aCriticalTemplateIsSentToAUserWhoOptedOut() throws Exception {
    contacts.prefer("bob", new Preference(Preference.ANY, Preference.ANY, false));
    Notification n =
        notification(
            """
        template: password-reset
        channels: [email]
        recipients: [{user: bob}]
        data: {code: "123456"}
        """);

    acceptance.accept(n, CRITICAL, EMAIL_AND_SMS);
    acceptance.accept(
        AcceptRequest.of(
            "shop", dev.herald.core.store.Source.API, "key-2", null, n.getSpec(), null),
        TEMPLATE_WITH_CODE,
        EMAIL_AND_SMS);

    assertThat(store.written())
        .extracting(w -> w.deliveries().get(0).failureReason())
        .as("critical, then not critical")
        .containsExactly(null, DeliveryReasons.OPTED_OUT);
  }

  private static final NotificationTemplate TEMPLATE_WITH_CODE =
      Resources.template(
          """
      apiVersion: herald.dev/v1alpha1
      kind: NotificationTemplate
      metadata: {name: password-reset, namespace: shop}
      spec:
        email: {subject: "Reset", text: "Your code is {{ code }}"}
      """);
}
