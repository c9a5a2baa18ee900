package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationPhase;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.status.ConditionReasons;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Source;
import dev.herald.operator.ReconcileProblem;
import dev.herald.operator.events.EventRecorder;
import dev.herald.operator.provider.ProviderReadiness;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a Notification once — validated, its template and providers checked, its deliveries
 * written in one transaction — then reports its progress from Postgres until it finishes. Deleting
 * it cancels what has not been sent.
 */
@ControllerConfiguration(name = "notification")
public final class NotificationReconciler
    implements Reconciler<Notification>, Cleaner<Notification>, TemplateCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationReconciler.class);
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  /** How often requeued notifications are read from Postgres, and for how long after a requeue. */
  static final Duration REQUEUE_POLL = Duration.ofSeconds(2);

  static final Duration REQUEUE_WINDOW = Duration.ofMinutes(10);

  private final NotificationAcceptance acceptance;
  private final StoredNotifications store;
  private final EventRecorder events;
  private final Function<String, List<DeliveryProvider>> namespaceProviders;
  private InformerEventSource<NotificationTemplate, Notification> templates;
  private InformerEventSource<DeliveryProvider, Notification> providers;

  public NotificationReconciler(
      NotificationAcceptance acceptance, NotificationStore store, EventRecorder events) {
    this.acceptance = acceptance;
    this.store = StoredNotifications.of(store);
    this.events = events;
    // the informer its event sources start
    this.namespaceProviders =
        namespace -> providers == null ? List.of() : providers.list(namespace).toList();
  }

  /**
   * As above, with each namespace's DeliveryProviders from {@code namespaceProviders} rather than
   * an informer.
   */
  NotificationReconciler(
      NotificationAcceptance acceptance,
      StoredNotifications store,
      EventRecorder events,
      Function<String, List<DeliveryProvider>> namespaceProviders) {
    this.acceptance = acceptance;
    this.store = store;
    this.events = events;
    this.namespaceProviders = namespaceProviders;
  }

  @Override
  public List<EventSource<?, Notification>> prepareEventSources(
      EventSourceContext<Notification> context) {
    // A template or provider appearing or changing re-checks the Notifications still waiting for
    // it.
    templates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NotificationTemplate.class, Notification.class)
                .withName("templates")
                .withPrimaryToSecondaryMapper(
                    (Notification n) ->
                        n.getSpec() == null || n.getSpec().getTemplate() == null
                            ? Set.of()
                            : Set.of(
                                new ResourceID(
                                    n.getSpec().getTemplate(), n.getMetadata().getNamespace())))
                .withSecondaryToPrimaryMapper(
                    t ->
                        waiting(
                            context,
                            t.getMetadata().getNamespace(),
                            n -> t.getMetadata().getName().equals(n.getSpec().getTemplate())))
                .build(),
            context);
    providers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DeliveryProvider.class, Notification.class)
                .withName("providers")
                .withSecondaryToPrimaryMapper(
                    p -> waiting(context, p.getMetadata().getNamespace(), n -> true))
                .build(),
            context);
    // Requeued dead letters live in Postgres: a finished Notification is not polled, so its
    // requeue is, and brings its status back to Dispatching.
    PollingEventSource<NotificationStore.RequeuedNotification, Notification, String> requeued =
        new PollingEventSource<>(
            NotificationStore.RequeuedNotification.class,
            new PollingConfigurationBuilder<NotificationStore.RequeuedNotification, String>(
                    () ->
                        store.requeuedSince(Instant.now().minus(REQUEUE_WINDOW)).stream()
                            .filter(
                                r ->
                                    Source.CR.wireName().equals(r.source())
                                        && r.resourceName() != null)
                            .collect(
                                Collectors.groupingBy(
                                    r -> new ResourceID(r.resourceName(), r.tenant()),
                                    Collectors.toSet())),
                    REQUEUE_POLL)
                .withName("requeued")
                .withResourceIDMapper(r -> r.id() + "@" + r.requeuedAt())
                .build());
    return List.of(templates, providers, requeued);
  }

  @Override
  public Optional<NotificationTemplate> template(String namespace, String name) {
    return templates == null ? Optional.empty() : templates.get(new ResourceID(name, namespace));
  }

  @Override
  public List<DeliveryProvider> providers(String namespace) {
    return namespaceProviders.apply(namespace);
  }

  @Override
  public boolean synced() {
    return templates != null && providers != null;
  }

  private static Set<ResourceID> waiting(
      EventSourceContext<Notification> context,
      String namespace,
      java.util.function.Predicate<Notification> matches) {
    return context
        .getPrimaryCache()
        .list(namespace)
        .filter(
            n ->
                n.getSpec() != null
                    && (n.getStatus() == null || n.getStatus().getNotificationId() == null))
        .filter(matches)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<Notification> reconcile(
      Notification resource, Context<Notification> context) {
    NotificationStatus before =
        resource.getStatus() == null ? new NotificationStatus() : resource.getStatus();
    NotificationStatus status = copy(before);
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    String tenant = resource.getMetadata().getNamespace();

    String uid = resource.getMetadata().getUid();
    Optional<NotificationRecord> record = store.findBySource(tenant, Source.CR, uid);
    if (record.isEmpty()) {
      // Accepted at most once in its life: not again once it has a notification id, nor once
      // retention pruned its rows (should its status have been lost).
      Optional<NotificationStore.Pruned> pruned = store.pruned(tenant, Source.CR, uid);
      if (pruned.isPresent() || status.getNotificationId() != null) {
        return gone(resource, context, before, status, pruned);
      }
      try {
        NotificationTemplate template =
            context.getSecondaryResource(NotificationTemplate.class).orElse(null);
        record = Optional.of(acceptance.accept(resource, template, providers(tenant)));
        status.setStartTime(
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      } catch (ReconcileProblem problem) {
        return notAccepted(resource, before, status, problem);
      }
    }
    NotificationRecord accepted = record.get();
    if (status.getNotificationId() == null) {
      status.setNotificationId(accepted.id().toString());
      status.setCondition(
          NotificationStatus.ACCEPTED, true, ConditionReasons.ACCEPTED, "deliveries written");
    }
    DeliveryCounts counts = store.counts(accepted);
    if (counts.total() == 0) {
      // Retention may have detached its day and not yet deleted the notification.
      Optional<NotificationStore.Pruned> pruned = store.pruned(tenant, Source.CR, uid);
      if (pruned.isPresent()) {
        return gone(resource, context, before, status, pruned);
      }
    }
    // Fallback channels count too: deliveries may go out on them.
    List<Channel> channels =
        java.util.stream.Stream.concat(
                resource.getSpec().getChannels().stream(),
                resource.getSpec().getFallback() == null
                    ? java.util.stream.Stream.<Channel>empty()
                    : resource.getSpec().getFallback().stream())
            .filter(c -> c != null)
            .distinct()
            .toList();
    NotificationProgress.apply(status, accepted, counts, channels, Instant.now());
    specChangeCondition(resource, before, status);
    providersCondition(status, counts, channels, providers(tenant));
    waitingCondition(
        status,
        counts.count(dev.herald.api.DeliveryState.IN_FLIGHT) > 0
            ? store.waiting(accepted)
            : java.util.Map.of());
    announce(resource, before, status);

    NotificationPhase phase = status.getPhase();
    if (phase.isFinished()) {
      return finished(resource, context, before, status);
    }
    return update(resource, before, status).rescheduleAfter(PROGRESS_INTERVAL);
  }

  /** A finished Notification is deleted once its {@code ttlSecondsAfterFinished} has passed. */
  private static UpdateControl<Notification> finished(
      Notification resource,
      Context<Notification> context,
      NotificationStatus before,
      NotificationStatus status) {
    Long ttl = resource.getSpec().getTtlSecondsAfterFinished();
    if (ttl != null && status.getCompletionTime() != null) {
      Instant expiry = Instant.parse(status.getCompletionTime()).plusSeconds(ttl);
      if (!Instant.now().isBefore(expiry)) {
        context.getClient().resource(resource).delete();
        return UpdateControl.noUpdate();
      }
      return update(resource, before, status)
          .rescheduleAfter(Duration.between(Instant.now(), expiry));
    }
    return update(resource, before, status);
  }

  /**
   * Its rows are gone: pruned by retention, or no longer in the store at all. Its status stays as
   * last seen (retention prunes only finished notifications), a condition says why, and it is no
   * longer polled.
   */
  private UpdateControl<Notification> gone(
      Notification resource,
      Context<Notification> context,
      NotificationStatus before,
      NotificationStatus status,
      Optional<NotificationStore.Pruned> pruned) {
    if (status.getNotificationId() == null) {
      // Its status was lost; retention's record still names what was accepted.
      status.setNotificationId(pruned.orElseThrow().notificationId().toString());
      status.setCondition(
          NotificationStatus.ACCEPTED,
          true,
          ConditionReasons.ACCEPTED,
          "accepted before its deliveries were pruned");
    }
    String reason = pruned.isPresent() ? ConditionReasons.PRUNED : ConditionReasons.NOT_IN_STORE;
    String message =
        pruned
                .map(
                    p ->
                        "its deliveries were removed by retention on "
                            + p.prunedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + "; ")
                .orElse(
                    "notification "
                        + status.getNotificationId()
                        + " is no longer in Herald's store, though retention "
                        + "did not prune it; ")
            + "phase and counts are as last seen, and it is not sent again";
    boolean changed =
        before
            .condition(NotificationStatus.STORED)
            .map(c -> !reason.equals(c.getReason()))
            .orElse(true);
    status.setCondition(NotificationStatus.STORED, false, reason, message);
    if (changed) {
      LOG.info(
          "notification {}/{}: {}",
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          message);
      events.transition(
          resource,
          NotificationStatus.STORED,
          pruned.isPresent() ? EventRecorder.Type.NORMAL : EventRecorder.Type.WARNING,
          reason,
          message);
    }
    boolean finished = status.getPhase() != null && status.getPhase().isFinished();
    return finished
        ? finished(resource, context, before, status)
        : update(resource, before, status);
  }

  /** Deliveries of a channel without a Ready provider wait; say so, and why. */
  private static void providersCondition(
      NotificationStatus status,
      DeliveryCounts counts,
      List<Channel> channels,
      List<DeliveryProvider> namespaceProviders) {
    List<String> waiting = new java.util.ArrayList<>();
    for (Channel channel : channels) {
      long inFlight =
          counts.byChannel().getOrDefault(channel, java.util.Map.of()).entrySet().stream()
              .filter(e -> !e.getKey().isTerminal())
              .mapToLong(java.util.Map.Entry::getValue)
              .sum();
      List<DeliveryProvider> forChannel =
          namespaceProviders.stream()
              .filter(
                  p ->
                      p.getSpec() != null
                          && p.getSpec().getType() != null
                          && p.getSpec().getType().channel() == channel)
              .toList();
      if (inFlight > 0 && forChannel.stream().noneMatch(ProviderReadiness::isReady)) {
        waiting.add(
            inFlight
                + " "
                + channel.wireName()
                + " deliveries wait for a Ready provider: "
                + (forChannel.isEmpty()
                    ? "none exists"
                    : forChannel.stream()
                        .map(
                            p ->
                                p.getMetadata().getName()
                                    + " ("
                                    + ProviderReadiness.reason(p)
                                    + ")")
                        .collect(Collectors.joining(", "))));
      }
    }
    if (waiting.isEmpty()) {
      status.setCondition(
          NotificationStatus.PROVIDERS_READY,
          true,
          ConditionReasons.PROVIDERS_READY,
          "every channel in use has a Ready provider");
    } else {
      status.setCondition(
          NotificationStatus.PROVIDERS_READY,
          false,
          ConditionReasons.PROVIDER_NOT_READY,
          String.join("; ", waiting));
    }
  }

  /**
   * Deliveries that wait in Herald's store, and for what: status says why a Notification is not
   * done.
   */
  static void waitingCondition(NotificationStatus status, java.util.Map<String, Long> waiting) {
    long circuit = waiting.getOrDefault(DeliveryReasons.CIRCUIT_OPEN, 0L);
    long provider = waiting.getOrDefault(DeliveryReasons.NO_PROVIDER, 0L);
    long throttled = waiting.getOrDefault(DeliveryReasons.THROTTLED, 0L);
    long retrying =
        waiting.values().stream().mapToLong(Long::longValue).sum() - circuit - provider - throttled;
    List<String> parts = new java.util.ArrayList<>();
    if (circuit > 0) {
      parts.add(circuit + " for a provider's circuit to close (its recent calls failed)");
    }
    if (provider > 0) {
      parts.add(provider + " for a Ready provider");
    }
    if (throttled > 0) {
      parts.add(throttled + " for room in a provider's rateLimit or maxConcurrency");
    }
    if (retrying > 0) {
      parts.add(retrying + " to retry after a provider or internal error");
    }
    if (parts.isEmpty()) {
      status.setCondition(
          NotificationStatus.WAITING, false, ConditionReasons.NOT_WAITING, "no delivery waits");
      return;
    }
    String reason =
        circuit > 0
            ? ConditionReasons.CIRCUIT_OPEN
            : provider > 0
                ? ConditionReasons.NO_READY_PROVIDER
                : throttled > 0 ? ConditionReasons.THROTTLED : ConditionReasons.RETRYING;
    status.setCondition(
        NotificationStatus.WAITING, true, reason, "deliveries wait: " + String.join(", ", parts));
  }

  private UpdateControl<Notification> notAccepted(
      Notification resource,
      NotificationStatus before,
      NotificationStatus status,
      ReconcileProblem problem) {
    status.setPhase(problem.terminal() ? NotificationPhase.Failed : NotificationPhase.Pending);
    status.setCondition(NotificationStatus.ACCEPTED, false, problem.reason(), problem.getMessage());
    boolean changed =
        before
            .condition(NotificationStatus.ACCEPTED)
            .map(
                c ->
                    !problem.reason().equals(c.getReason())
                        || !problem.getMessage().equals(c.getMessage()))
            .orElse(true);
    if (changed) {
      LOG.info(
          "notification {}/{} not accepted: {}: {}",
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          problem.reason(),
          problem.getMessage());
      events.transition(
          resource,
          NotificationStatus.ACCEPTED,
          EventRecorder.Type.WARNING,
          problem.reason(),
          problem.getMessage());
    }
    // Waiting problems are re-checked when the template or provider changes; the periodic
    // re-check covers a missing user appearing in the contact store.
    UpdateControl<Notification> control = update(resource, before, status);
    return problem.terminal() ? control : control.rescheduleAfter(Duration.ofSeconds(30));
  }

  static final String SPEC_CHANGE_IGNORED = "SpecChangeIgnored";

  /** The topic of the Events that announce a new phase. */
  private static final String PHASE = "Phase";

  /**
   * A Notification is sent as it was when accepted: a later change of its spec is ignored, and said
   * so (a {@code SpecChangeIgnored} condition and a Warning Event), not silently kept. The {@code
   * Accepted} condition records the generation that was accepted.
   */
  private void specChangeCondition(
      Notification resource, NotificationStatus before, NotificationStatus status) {
    Long accepted =
        status
            .condition(NotificationStatus.ACCEPTED)
            .filter(c -> "True".equals(c.getStatus()))
            .map(io.fabric8.kubernetes.api.model.Condition::getObservedGeneration)
            .orElse(null);
    Long generation = resource.getMetadata().getGeneration();
    if (accepted == null || generation == null || generation <= accepted) {
      return;
    }
    String message =
        "the spec changed (generation "
            + generation
            + ") after the notification was accepted at generation "
            + accepted
            + "; a Notification is immutable once accepted, so the change was ignored and nothing was sent "
            + "again: create a new Notification to send other content";
    status.setCondition(SPEC_CHANGE_IGNORED, true, ConditionReasons.IMMUTABLE, message);
    boolean announced =
        before
            .condition(SPEC_CHANGE_IGNORED)
            .map(
                c ->
                    c.getMessage() != null
                        && c.getMessage()
                            .startsWith("the spec changed (generation " + generation + ")"))
            .orElse(false);
    if (!announced) {
      events.transition(
          resource, SPEC_CHANGE_IGNORED, EventRecorder.Type.WARNING, SPEC_CHANGE_IGNORED, message);
    }
  }

  private void announce(
      Notification resource, NotificationStatus before, NotificationStatus after) {
    if (after.getPhase() != before.getPhase()) {
      NotificationPhase phase = after.getPhase();
      String message =
          String.format(
              "%s: %d of %d sent, %d failed, %d suppressed",
              phase, after.getSent(), after.getTotal(), after.getFailed(), after.getSuppressed());
      boolean failed =
          phase == NotificationPhase.Failed || phase == NotificationPhase.PartiallyFailed;
      events.transition(
          resource,
          PHASE,
          failed ? EventRecorder.Type.WARNING : EventRecorder.Type.NORMAL,
          phase.name(),
          message);
    }
  }

  private static UpdateControl<Notification> update(
      Notification resource, NotificationStatus before, NotificationStatus after) {
    after.summarize();
    if (after.equals(before)) {
      return UpdateControl.noUpdate();
    }
    resource.setStatus(after);
    return UpdateControl.patchStatus(resource);
  }

  @Override
  public DeleteControl cleanup(Notification resource, Context<Notification> context) {
    // No other resource will have its uid: what retention remembered of it can go.
    store.forgetPruned(
        resource.getMetadata().getNamespace(), Source.CR, resource.getMetadata().getUid());
    store
        .findBySource(
            resource.getMetadata().getNamespace(), Source.CR, resource.getMetadata().getUid())
        .filter(r -> r.cancelledAt() == null)
        .ifPresent(
            r -> {
              NotificationStore.Cancellation c = store.cancel(r);
              if (c.cancelled() + c.inFlight() > 0) {
                String message =
                    String.format(
                        "deleted: %d unsent deliveries cancelled; %d were held by a dispatcher, "
                            + "and only those whose provider call was under way may still be sent",
                        c.cancelled() + c.inFlight(), c.inFlight());
                LOG.info(
                    "notification {}/{} {}",
                    resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(),
                    message);
                events.normal(resource, "Cancelled", message);
              }
            });
    return DeleteControl.defaultDelete();
  }

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static NotificationStatus copy(NotificationStatus status) {
    return SERIALIZATION.clone(status);
  }
}
