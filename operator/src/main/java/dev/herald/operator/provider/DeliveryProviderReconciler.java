package dev.herald.operator.provider;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.core.SecretValues;
import dev.herald.operator.StatusUpdates;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.validation.FieldError;
import dev.herald.operator.validation.SchemaValidator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that a DeliveryProvider's spec is valid and that its Secret exists and holds the keys
 * its type needs. It reads the Secret through an informer (a rotated Secret is re-checked at
 * once) and never copies a value anywhere: status and Events name keys, never contents. The
 * informer holds Secrets as generic resources: one that fabric8's Secret class cannot be read
 * from would stop a typed informer (and with it the operator); here it is reported on the
 * providers that use it.
 */
@ControllerConfiguration(name = "deliveryprovider")
public final class DeliveryProviderReconciler implements Reconciler<DeliveryProvider> {
  private final SchemaValidator schema;
  private final EventRecorder events;

  public DeliveryProviderReconciler(SchemaValidator schema, EventRecorder events) {
    this.schema = schema;
    this.events = events;
  }

  @Override
  public List<EventSource<?, DeliveryProvider>> prepareEventSources(EventSourceContext<DeliveryProvider> context) {
    return List.of(new InformerEventSource<>(InformerEventSourceConfiguration
        .from(GroupVersionKind.gvkFor(Secret.class), DeliveryProvider.class)
        .withName("secrets")
        .withPrimaryToSecondaryMapper((DeliveryProvider p) -> secretName(p) == null ? Set.of()
            : Set.of(new ResourceID(secretName(p), p.getMetadata().getNamespace())))
        .withSecondaryToPrimaryMapper(s -> context.getPrimaryCache().list(s.getMetadata().getNamespace())
            .filter(p -> s.getMetadata().getName().equals(secretName(p)))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build(), context));
  }

  private static String secretName(DeliveryProvider p) {
    return p.getSpec() == null || p.getSpec().getSecretRef() == null ? null : p.getSpec().getSecretRef().name();
  }

  @Override
  public UpdateControl<DeliveryProvider> reconcile(DeliveryProvider resource, Context<DeliveryProvider> context) {
    DeliveryProviderStatus before = resource.getStatus() == null ? new DeliveryProviderStatus() : resource.getStatus();
    DeliveryProviderStatus status = new DeliveryProviderStatus();
    status.setConditions(before.getConditions());
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    DeliveryProviderSpec spec = resource.getSpec();

    List<FieldError> errors = schema.validate(spec == null ? null : spec.source());
    if (!errors.isEmpty()) {
      status.setCondition(DeliveryProviderStatus.READY, false, "InvalidSpec",
          errors.stream().limit(5).map(FieldError::toString).collect(Collectors.joining("; ")));
    } else {
      status.setChannel(spec.getType().channel().wireName());
      GenericKubernetesResource secret = context.getSecondaryResource(GenericKubernetesResource.class).orElse(null);
      if (secret == null) {
        status.setCondition(DeliveryProviderStatus.READY, false, "SecretNotFound", "spec.secretRef.name: Secret \""
            + spec.getSecretRef().name() + "\" not found in namespace " + resource.getMetadata().getNamespace());
      } else {
        status.setSecretVersion(secret.getMetadata().getResourceVersion());
        SecretValues.Readout readout = SecretValues.read(secret);
        List<String> problems = CredentialCheck.problems(spec.getType(), readout.values());
        if (!readout.problems().isEmpty()) {
          status.setCondition(DeliveryProviderStatus.READY, false, "SecretUnreadable", "Secret \""
              + spec.getSecretRef().name() + "\" cannot be read: " + String.join("; ", readout.problems()));
        } else if (problems.isEmpty()) {
          status.setCondition(DeliveryProviderStatus.READY, true, "CredentialsFound",
              "Secret \"" + spec.getSecretRef().name() + "\" holds well-formed " + spec.getType().wireName() + " credentials");
        } else {
          status.setCondition(DeliveryProviderStatus.READY, false, "InvalidCredentials", "Secret \""
              + spec.getSecretRef().name() + "\": " + String.join("; ", problems));
        }
      }
    }
    return StatusUpdates.finish(resource, before, status, DeliveryProviderStatus.READY, events);
  }
}
