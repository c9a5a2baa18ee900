package dev.herald.operator.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.core.store.CircuitStore;
import dev.herald.operator.InMemoryContext;
import dev.herald.operator.RecordedEvents;
import dev.herald.operator.Resources;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A DeliveryProvider's Ready and Available conditions given its spec, its Secret and the
 * dispatchers' circuits, as an informer would hand them to the reconciler: in memory.
 */
class DeliveryProviderReconcilerTest {
  private static final SchemaValidator SCHEMA = SchemaValidator.forResource(DeliveryProvider.class);
  private static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);

  private final RecordedEvents events = new RecordedEvents();
  // Circuits are read by the reconciler's polling event source only; a reconcile is handed them.
  private final DeliveryProviderReconciler reconciler =
      new DeliveryProviderReconciler(SCHEMA, events.recorder(), null);

  private static DeliveryProvider twilio() {
    return Resources.provider(
        """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: twilio, namespace: shop, uid: p-1, generation: 3}
        spec:
          type: twilio
          secretRef: {name: twilio-credentials}
          twilio: {from: "+14155550100"}
        """);
  }

  private static GenericKubernetesResource secret(String stringData) {
    return Resources.secret(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: twilio-credentials, namespace: shop, resourceVersion: "42"}
        stringData: %s
        """
            .formatted(stringData));
  }

  private static Condition condition(UpdateControl<DeliveryProvider> control, String type) {
    assertThat(control.isPatchStatus()).as("status patched").isTrue();
    DeliveryProviderStatus status = control.getResource().orElseThrow().getStatus();
    return status.condition(type).orElseThrow();
  }

  @Test
  void aSecretHoldingWellFormedCredentialsMakesTheProviderReadyAtItsGeneration() {
    DeliveryProvider provider = twilio();
    UpdateControl<DeliveryProvider> control =
        reconciler.reconcile(
            provider,
            new InMemoryContext<>(
                provider, secret("{accountSid: " + ACCOUNT_SID + ", authToken: t0ken}")));

    Condition ready = condition(control, DeliveryProviderStatus.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.CREDENTIALS_FOUND);
    DeliveryProviderStatus status = control.getResource().orElseThrow().getStatus();
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getSecretVersion())
        .as("the dispatchers rebuild their client when it changes")
        .isEqualTo("42");
    assertThat(status.getChannel()).isEqualTo("sms");
    assertThat(ProviderReadiness.isReady(provider)).isTrue();
  }

  @Test
  void aSecretLackingAKeyIsNotReadyAndTheConditionAndEventNameTheKeyNeverAValue() {
    DeliveryProvider provider = twilio();
    UpdateControl<DeliveryProvider> control =
        reconciler.reconcile(
            provider, new InMemoryContext<>(provider, secret("{authToken: s3cret-value}")));

    Condition ready = condition(control, DeliveryProviderStatus.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.INVALID_CREDENTIALS);
    assertThat(ready.getMessage())
        .isEqualTo("Secret \"twilio-credentials\": key accountSid is missing or empty");
    assertThat(events.shown())
        .contains(
            "Warning "
                + ConditionReasons.INVALID_CREDENTIALS
                + ": Secret \"twilio-credentials\": key accountSid is missing or empty");
    assertThat(events.shown()).noneMatch(e -> e.contains("s3cret-value"));
    assertThat(ProviderReadiness.isReady(provider)).isFalse();
  }

  @Test
  void aMissingSecretIsNamedWithItsNamespace() {
    DeliveryProvider provider = twilio();
    Condition ready =
        condition(
            reconciler.reconcile(provider, new InMemoryContext<>(provider)),
            DeliveryProviderStatus.READY);

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionReasons.SECRET_NOT_FOUND);
    assertThat(ready.getMessage())
        .isEqualTo(
            "spec.secretRef.name: Secret \"twilio-credentials\" not found in namespace shop");
  }

  @Test
  void anInvalidSpecIsNotReadyAndNamesTheField() {
    DeliveryProvider provider =
        Resources.provider(
            """
        apiVersion: herald.dev/v1alpha1
        kind: DeliveryProvider
        metadata: {name: pigeon, namespace: shop, generation: 1}
        spec: {type: pigeon, secretRef: {name: creds}}
        """);
    Condition ready =
        condition(
            reconciler.reconcile(provider, new InMemoryContext<>(provider)),
            DeliveryProviderStatus.READY);

    assertThat(ready.getReason()).isEqualTo(ConditionReasons.INVALID_SPEC);
    assertThat(ready.getMessage()).startsWith("spec.type: must be one of");
  }

  @Test
  void anOpenCircuitInADispatcherMakesTheProviderUnavailableAndSaysWhere() {
    DeliveryProvider provider = twilio();
    CircuitStore.Circuit open =
        new CircuitStore.Circuit(
            "shop",
            "twilio",
            "dispatcher-1",
            "open",
            "http_503",
            Instant.parse("2026-12-03T10:00:00Z"));
    UpdateControl<DeliveryProvider> control =
        reconciler.reconcile(
            provider,
            new InMemoryContext<>(
                provider, secret("{accountSid: " + ACCOUNT_SID + ", authToken: t0ken}"), open));

    Condition available = condition(control, DeliveryProviderStatus.AVAILABLE);
    assertThat(available.getStatus()).isEqualTo("False");
    assertThat(available.getReason()).isEqualTo(ConditionReasons.CIRCUIT_OPEN);
    assertThat(available.getMessage())
        .startsWith("circuit open in dispatcher-1 since 2026-12-03T10:00:00Z (http_503)");
    assertThat(condition(control, DeliveryProviderStatus.READY).getStatus())
        .as("still Ready")
        .isEqualTo("True");
  }

  @Test
  void aReconcileThatFindsNothingChangedNeitherPatchesNorAnnouncesAgain() {
    DeliveryProvider provider = twilio();
    GenericKubernetesResource secret =
        secret("{accountSid: " + ACCOUNT_SID + ", authToken: t0ken}");
    reconciler.reconcile(provider, new InMemoryContext<>(provider, secret));
    int announced = events.all().size();

    UpdateControl<DeliveryProvider> again =
        reconciler.reconcile(provider, new InMemoryContext<>(provider, secret));

    assertThat(again.isNoUpdate()).isTrue();
    assertThat(events.all()).hasSize(announced);
  }
}
