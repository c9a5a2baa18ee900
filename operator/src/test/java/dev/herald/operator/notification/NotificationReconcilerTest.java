package dev.herald.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationPhase;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.operator.InMemoryContext;
import dev.herald.operator.RecordedEvents;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Notification's status — accepted or why not, phase, counts, what its deliveries wait for — and
 * its Events, given its template, the namespace's providers and its deliveries' states, all in
 * memory.
 */
class NotificationReconcilerTest {
  private static final SchemaValidator SCHEMA = SchemaValidator.forResource(Notification.class);

  private final InMemoryContacts contacts =
      new InMemoryContacts()
          .user("ada", "ada@shop.example", null, "en")
          .user("bob", "bob@shop.example", null, "en");
  private final InMemoryNotificationStore store = new InMemoryNotificationStore();
  private final RecordedEvents events = new RecordedEvents();
  private final List<DeliveryProvider> providers = new ArrayList<>();
  private final NotificationReconciler reconciler =
      new NotificationReconciler(
          new NotificationAcceptance(
              SCHEMA,
              new TemplateRenderer(),
              new RecipientResolver(contacts, contacts),
              store,
              () -> {},
              RetentionSettings.defaults()),
          store,
          events.recorder(),
          namespace -> List.copyOf(providers));

  private static final NotificationTemplate TEMPLATE =
      Resources.template(
          """
      apiVersion: herald.dev/v1alpha1
      kind: NotificationTemplate
      metadata: {name: welcome, namespace: shop}
      spec:
        email: {subject: "Welcome", text: "Hello {{ name }}"}
      """);

  private static DeliveryProvider sendgrid(boolean ready) {
    return Resources.provider(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: sendgrid, namespace: shop, generation: 1}
        spec: {type: sendgrid, secretRef: {name: sendgrid-credentials}}
        """
            + (ready
                ? """
        status:
          observedGeneration: 1
          conditions: [{type: Ready, status: "True", reason: CredentialsFound}]
        """
                : ""));
  }

  private final Notification welcome =
      Resources.notification(
          """
      apiVersion: herald.dev/v1alpha1
      kind: Notification
      metadata: {name: welcome-ada, namespace: shop, uid: uid-1, generation: 1}
      spec:
        template: welcome
        channels: [email]
        recipients: [{user: ada}, {user: bob}]
        data: {name: Ada}
      """);

  private UpdateControl<Notification> reconcile(Object... secondaries) {
    return reconciler.reconcile(welcome, new InMemoryContext<>(welcome, secondaries));
  }

  private NotificationStatus status() {
    return welcome.getStatus();
  }

  private Condition condition(String type) {
    return status().condition(type).orElseThrow();
  }

  @Test
  void
      aNotificationWhoseTemplateIsMissingWaitsPendingAndSaysWhichTemplateInAConditionAndAWarning() {
    providers.add(sendgrid(true));

    UpdateControl<Notification> control = reconcile();

    assertThat(status().getPhase()).isEqualTo(NotificationPhase.Pending);
    Condition accepted = condition(NotificationStatus.ACCEPTED);
    assertThat(accepted.getStatus()).isEqualTo("False");
    assertThat(accepted.getReason()).isEqualTo(ConditionReasons.TEMPLATE_NOT_FOUND);
    assertThat(accepted.getMessage())
        .isEqualTo("spec.template: NotificationTemplate \"welcome\" not found in namespace shop");
    assertThat(events.shown())
        .containsExactly(
            "Warning "
                + ConditionReasons.TEMPLATE_NOT_FOUND
                + ": spec.template: NotificationTemplate \"welcome\" not found in namespace shop");
    assertThat(control.getScheduleDelay())
        .as("checked again later")
        .hasValue(Duration.ofSeconds(30).toMillis());
    assertThat(store.written()).isEmpty();
  }

  @Test
  void theSameProblemFoundAgainIsNotAnnouncedAgain() {
    reconcile();
    reconcile();

    assertThat(events.all()).hasSize(1);
  }

  @Test
  void anInvalidNotificationFailsForGoodAndIsNotCheckedAgain() {
    Notification invalid =
        Resources.notification(
            """
        apiVersion: herald.dev/v1alpha1
        kind: Notification
        metadata: {name: welcome-ada, namespace: shop, uid: uid-2, generation: 1}
        spec: {template: welcome, channels: [pigeon], recipients: [{user: ada}]}
        """);

    UpdateControl<Notification> control =
        reconciler.reconcile(invalid, new InMemoryContext<>(invalid, TEMPLATE));

    assertThat(invalid.getStatus().getPhase()).isEqualTo(NotificationPhase.Failed);
    assertThat(invalid.getStatus().condition(NotificationStatus.ACCEPTED).orElseThrow().getReason())
        .isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void anAcceptedNotificationIsDispatchingUntilEveryDeliveryFinishesThenCompleted() {
    providers.add(sendgrid(true));

    UpdateControl<Notification> dispatching = reconcile(TEMPLATE);

    assertThat(store.written()).hasSize(1);
    assertThat(status().getNotificationId())
        .isEqualTo(store.written().get(0).record.id().toString());
    assertThat(condition(NotificationStatus.ACCEPTED).getStatus()).isEqualTo("True");
    assertThat(status().getPhase()).isEqualTo(NotificationPhase.Dispatching);
    assertThat(status().getTotal()).isEqualTo(2L);
    assertThat(status().getInFlight()).isEqualTo(2L);
    assertThat(condition(NotificationStatus.PROVIDERS_READY).getStatus()).isEqualTo("True");
    assertThat(dispatching.getScheduleDelay())
        .as("progress polled")
        .hasValue(NotificationReconciler.PROGRESS_INTERVAL.toMillis());

    store.written().get(0).move(Channel.EMAIL, DeliveryState.PENDING, DeliveryState.SENT);
    UpdateControl<Notification> done = reconcile(TEMPLATE);

    assertThat(status().getPhase()).isEqualTo(NotificationPhase.Completed);
    assertThat(status().getSent()).isEqualTo(2L);
    assertThat(status().getCompletionTime()).isNotNull();
    assertThat(condition(NotificationStatus.COMPLETE).getStatus()).isEqualTo("True");
    assertThat(done.getScheduleDelay()).as("no longer polled").isEmpty();
    assertThat(events.shown())
        .contains("Normal Completed: Completed: 2 of 2 sent, 0 failed, 0 suppressed");
    assertThat(store.written()).as("accepted once").hasSize(1);
  }

  @Test
  void deliveriesOfAChannelWithoutAReadyProviderSayWhichProvidersAreNotReadyAndWhy() {
    providers.add(sendgrid(false));

    reconcile(TEMPLATE);

    Condition ready = condition(NotificationStatus.PROVIDERS_READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.PROVIDER_NOT_READY);
    assertThat(ready.getMessage())
        .isEqualTo("2 email deliveries wait for a Ready provider: sendgrid (not checked yet)");
  }

  @Test
  void deliveriesWaitingInTheStoreSayWhatTheyWaitFor() {
    providers.add(sendgrid(true));
    reconcile(TEMPLATE);
    store.written().get(0).waiting = Map.of(DeliveryReasons.CIRCUIT_OPEN, 1L, "http_503", 1L);

    reconcile(TEMPLATE);

    Condition waiting = condition(NotificationStatus.WAITING);
    assertThat(waiting.getStatus()).isEqualTo("True");
    assertThat(waiting.getReason()).isEqualTo(ConditionReasons.CIRCUIT_OPEN);
    assertThat(waiting.getMessage())
        .isEqualTo(
            "deliveries wait: 1 for a provider's circuit to close (its recent "
                + "calls failed), 1 to retry after a provider or internal error");
  }

  @Test
  void aSpecChangedAfterAcceptanceIsIgnoredAndSaidSoOnce() {
    providers.add(sendgrid(true));
    reconcile(TEMPLATE);
    welcome.getMetadata().setGeneration(2L);
    welcome.getSpec().setChannels(List.of(Channel.SMS));

    reconcile(TEMPLATE);
    reconcile(TEMPLATE);

    Condition ignored = condition(NotificationReconciler.SPEC_CHANGE_IGNORED);
    assertThat(ignored.getStatus()).isEqualTo("True");
    assertThat(ignored.getMessage())
        .startsWith(
            "the spec changed (generation 2) after the notification was accepted "
                + "at generation 1");
    assertThat(events.shown())
        .filteredOn(e -> e.contains(NotificationReconciler.SPEC_CHANGE_IGNORED))
        .hasSize(1);
    assertThat(store.written())
        .singleElement()
        .satisfies(w -> assertThat(w.notification().channels()).containsExactly(Channel.EMAIL));
  }

  @Test
  void deletingANotificationCancelsWhatWasNotSentAndSaysHowMany() {
    providers.add(sendgrid(true));
    reconcile(TEMPLATE);
    InMemoryNotificationStore.Written written = store.written().get(0);
    written.states.set(0, DeliveryState.SENT);

    reconciler.cleanup(welcome, new InMemoryContext<>(welcome));

    assertThat(written.states).containsExactly(DeliveryState.SENT, DeliveryState.CANCELLED);
    assertThat(events.shown())
        .last()
        .asString()
        .startsWith("Normal Cancelled: deleted: 1 unsent deliveries cancelled");
  }
}
