package dev.herald.operator.provider;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.status.ConditionReasons;
import dev.herald.core.SecretValues;
import dev.herald.core.store.CircuitStore;
import dev.herald.operator.StatusUpdates;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.validation.FieldError;
import dev.herald.operator.validation.SchemaValidator;
import dev.herald.providers.Providers;
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
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that a DeliveryProvider's spec is valid and that its Secret exists and holds the keys its
 * type needs. It reads the Secret through an informer (a rotated Secret is re-checked at once) and
 * never copies a value anywhere: status and Events name keys, never contents. The informer holds
 * Secrets as generic resources: one that fabric8's Secret class cannot be read from would stop a
 * typed informer (and with it the operator); here it is reported on the providers that use it.
 */
@ControllerConfiguration(name = "deliveryprovider")
public final class DeliveryProviderReconciler implements Reconciler<DeliveryProvider> {
  private static final Providers PROVIDERS = Providers.forChecks();

  /** How often the dispatchers' circuits are read from Postgres. */
  static final Duration CIRCUIT_POLL = Duration.ofSeconds(2);

  /**
   * A circuit row not changed for this long is a dispatcher that went away (or has had no traffic
   * since).
   */
  static final Duration CIRCUIT_STALE = Duration.ofMinutes(10);

  private final SchemaValidator schema;
  private final EventRecorder events;
  private final CircuitStore circuits;

  public DeliveryProviderReconciler(
      SchemaValidator schema, EventRecorder events, CircuitStore circuits) {
    this.schema = schema;
    this.events = events;
    this.circuits = circuits;
  }

  @Override
  public List<EventSource<?, DeliveryProvider>> prepareEventSources(
      EventSourceContext<DeliveryProvider> context) {
    // The circuits live in Postgres, outside the cluster: polled, and a change reconciles the
    // provider.
    PollingEventSource<CircuitStore.Circuit, DeliveryProvider, String> circuitSource =
        new PollingEventSource<>(
            CircuitStore.Circuit.class,
            new PollingConfigurationBuilder<CircuitStore.Circuit, String>(
                    () ->
                        circuits.notClosed(Instant.now().minus(CIRCUIT_STALE)).stream()
                            .collect(
                                Collectors.groupingBy(
                                    c -> new ResourceID(c.provider(), c.tenant()),
                                    Collectors.toSet())),
                    CIRCUIT_POLL)
                .withName("circuits")
                .withResourceIDMapper(CircuitStore.Circuit::dispatcher)
                .build());
    return List.of(
        circuitSource,
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(
                    GroupVersionKind.gvkFor(Secret.class), DeliveryProvider.class)
                .withName("secrets")
                .withPrimaryToSecondaryMapper(
                    (DeliveryProvider p) ->
                        secretName(p) == null
                            ? Set.of()
                            : Set.of(new ResourceID(secretName(p), p.getMetadata().getNamespace())))
                .withSecondaryToPrimaryMapper(
                    s ->
                        context
                            .getPrimaryCache()
                            .list(s.getMetadata().getNamespace())
                            .filter(p -> s.getMetadata().getName().equals(secretName(p)))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context));
  }

  private static String secretName(DeliveryProvider p) {
    return p.getSpec() == null || p.getSpec().getSecretRef() == null
        ? null
        : p.getSpec().getSecretRef().name();
  }

  @Override
  public UpdateControl<DeliveryProvider> reconcile(
      DeliveryProvider resource, Context<DeliveryProvider> context) {
    DeliveryProviderStatus before =
        resource.getStatus() == null ? new DeliveryProviderStatus() : resource.getStatus();
    DeliveryProviderStatus status = new DeliveryProviderStatus();
    status.setConditions(before.getConditions());
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    DeliveryProviderSpec spec = resource.getSpec();

    List<FieldError> errors = schema.validate(spec == null ? null : spec.source());
    if (!errors.isEmpty()) {
      status.setCondition(
          DeliveryProviderStatus.READY,
          false,
          ConditionReasons.INVALID_SPEC,
          errors.stream().limit(5).map(FieldError::toString).collect(Collectors.joining("; ")));
    } else {
      status.setChannel(spec.getType().channel().wireName());
      GenericKubernetesResource secret =
          context.getSecondaryResource(GenericKubernetesResource.class).orElse(null);
      if (secret == null) {
        status.setCondition(
            DeliveryProviderStatus.READY,
            false,
            ConditionReasons.SECRET_NOT_FOUND,
            "spec.secretRef.name: Secret \""
                + spec.getSecretRef().name()
                + "\" not found in namespace "
                + resource.getMetadata().getNamespace());
      } else {
        status.setSecretVersion(secret.getMetadata().getResourceVersion());
        SecretValues.Readout readout = SecretValues.read(secret);
        List<String> problems = PROVIDERS.of(spec.getType()).credentialProblems(readout.values());
        if (!readout.problems().isEmpty()) {
          status.setCondition(
              DeliveryProviderStatus.READY,
              false,
              ConditionReasons.SECRET_UNREADABLE,
              "Secret \""
                  + spec.getSecretRef().name()
                  + "\" cannot be read: "
                  + String.join("; ", readout.problems()));
        } else if (problems.isEmpty()) {
          status.setCondition(
              DeliveryProviderStatus.READY,
              true,
              ConditionReasons.CREDENTIALS_FOUND,
              "Secret \""
                  + spec.getSecretRef().name()
                  + "\" holds well-formed "
                  + spec.getType().wireName()
                  + " credentials");
        } else {
          status.setCondition(
              DeliveryProviderStatus.READY,
              false,
              ConditionReasons.INVALID_CREDENTIALS,
              "Secret \"" + spec.getSecretRef().name() + "\": " + String.join("; ", problems));
        }
      }
    }
    availability(status, context.getSecondaryResources(CircuitStore.Circuit.class));
    return StatusUpdates.finish(
        resource,
        before,
        status,
        List.of(DeliveryProviderStatus.READY, DeliveryProviderStatus.AVAILABLE),
        events);
  }

  /**
   * Whether the dispatchers' circuits let calls through; when not, which are open, since when, and
   * why.
   */
  private static void availability(
      DeliveryProviderStatus status, Set<CircuitStore.Circuit> notClosed) {
    if (notClosed.isEmpty()) {
      status.setCondition(
          DeliveryProviderStatus.AVAILABLE,
          true,
          ConditionReasons.CIRCUIT_CLOSED,
          "every dispatcher sends through it");
      return;
    }
    boolean open = notClosed.stream().anyMatch(c -> c.state().equals("open"));
    String detail =
        notClosed.stream()
            .sorted(java.util.Comparator.comparing(CircuitStore.Circuit::dispatcher))
            .map(
                c ->
                    c.state().replace('_', '-')
                        + " in "
                        + c.dispatcher()
                        + " since "
                        + c.changedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + " ("
                        + c.reason()
                        + ")")
            .collect(Collectors.joining("; "));
    status.setCondition(
        DeliveryProviderStatus.AVAILABLE,
        false,
        open ? ConditionReasons.CIRCUIT_OPEN : ConditionReasons.CIRCUIT_HALF_OPEN,
        "circuit " + detail + "; its deliveries wait or fail over to the channel's next provider");
  }
}
