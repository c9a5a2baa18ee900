package dev.herald.dispatcher.consumer;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.queue.QueueNames;
import dev.herald.core.Json;
import dev.herald.core.batch.Batcher;
import dev.herald.core.log.Mask;
import dev.herald.core.store.Claim;
import dev.herald.core.store.ClaimAnswer;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.FrequencyCaps;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Outcome;
import dev.herald.core.template.TemplateException;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateVariables;
import dev.herald.dispatcher.DispatcherSettings;
import dev.herald.dispatcher.metrics.DeliveryMetrics;
import dev.herald.dispatcher.provider.ProviderGate;
import dev.herald.dispatcher.provider.ProviderGate.Circuit;
import dev.herald.dispatcher.provider.ProviderRegistry;
import dev.herald.providers.SendResult;
import io.nats.client.JetStream;
import io.nats.client.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivery message: claim it in Postgres, send it through the first Ready provider,
 * record the outcome, and only then acknowledge (or terminate) the message.
 *
 * <p>Work that must wait — a provider's rate limit, a retry after a provider error, no Ready
 * provider, an open circuit — is recorded as {@code pending} with the time it is due, and its
 * message is acknowledged: it waits in Postgres, where a cancel or an erasure reaches it, and the
 * relay publishes it again when due. A waiting delivery never holds a place in the stream's
 * in-flight window that every tenant shares.
 */
public final class DeliveryHandler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandler.class);

  /**
   * The first wait for a Ready provider; it doubles each time the delivery comes back, up to a
   * minute.
   */
  static final Duration NO_PROVIDER_WAIT = Duration.ofSeconds(1);

  static final Duration MAX_NO_PROVIDER_WAIT = Duration.ofMinutes(1);
  static final Duration STORE_RETRY = Duration.ofSeconds(2);

  /**
   * A delivery held longer than this since its claim is claimed again right before its provider
   * call, so that a cancel, an erasure or an opt-out that came meanwhile stops it.
   */
  static final Duration RECHECK_AFTER = Duration.ofMillis(50);

  /**
   * Between attempts to record an outcome: jittered, so that the deliveries in hand do not all
   * retry at the same instant when Postgres comes back.
   */
  private static final Backoff STORE_BACKOFF = new Backoff(Duration.ofMillis(200), STORE_RETRY);

  /** Past another dispatcher's lease before a copy of its message comes back. */
  private static final Duration HELD_ELSEWHERE_MARGIN = Duration.ofMillis(500);

  /** What happens to the message once the outcome is durable. */
  private enum Ack {
    ACK,
    TERM
  }

  /** An outcome to record (none when the delivery was withdrawn and its row already says why). */
  private record Decision(Outcome outcome, Ack ack) {}

  /**
   * A claimed delivery while it is handled: when it was last claimed, and what a re-claim found. A
   * high-priority one's claims and outcome go ahead of the bulk waiting for the same batches.
   */
  private static final class Held {
    final DeliveryKey key;
    final boolean urgent;
    long claimedAt = System.nanoTime();
    String blockedBecause;

    Held(DeliveryMessage delivery) {
      this.key = new DeliveryKey(delivery.deliveryId(), delivery.createdAt());
      this.urgent = delivery.priority() == dev.herald.api.Priority.HIGH;
    }
  }

  private final Notifications notifications;
  private final Batcher<DeliveryKey, ClaimAnswer> claims;
  private final Batcher<DeliveryKey, Claim> rechecks;
  private final Batcher<Outcome, Boolean> outcomes;
  private final AsyncCache<UUID, Optional<NotificationStore.Content>> contents;
  private final Batcher<UUID, Optional<NotificationStore.Content>> contentLoads;
  private final TemplateRenderer renderer;
  private final Contacts contacts;
  private final Fallback fallback;
  private final ReadyProviders providers;
  private final DispatcherSettings settings;
  private final Backoff backoff;
  private final DeadLetterStream deadLetters;
  private final AckDeadlines deadlines;
  private final Duration recheckAfter;
  private final DeliveryMetrics metrics;

  public DeliveryHandler(
      Batcher<DeliveryKey, ClaimAnswer> claims,
      Batcher<DeliveryKey, Claim> rechecks,
      Batcher<Outcome, Boolean> outcomes,
      NotificationStore notifications,
      FrequencyCaps caps,
      ContactStore contacts,
      TemplateRenderer renderer,
      ProviderRegistry providers,
      DispatcherSettings settings,
      JetStream jetStream,
      QueueNames names,
      Duration ackWait,
      DeliveryMetrics metrics) {
    this(
        claims,
        rechecks,
        outcomes,
        Notifications.of(notifications, caps),
        Contacts.of(contacts),
        renderer,
        providers::ready,
        settings,
        DeadLetterStream.of(jetStream, names),
        ackWait,
        RECHECK_AFTER,
        metrics);
  }

  DeliveryHandler(
      Batcher<DeliveryKey, ClaimAnswer> claims,
      Batcher<DeliveryKey, Claim> rechecks,
      Batcher<Outcome, Boolean> outcomes,
      Notifications notifications,
      Contacts contacts,
      TemplateRenderer renderer,
      ReadyProviders providers,
      DispatcherSettings settings,
      DeadLetterStream deadLetters,
      Duration ackWait,
      Duration recheckAfter) {
    this(
        claims,
        rechecks,
        outcomes,
        notifications,
        contacts,
        renderer,
        providers,
        settings,
        deadLetters,
        ackWait,
        recheckAfter,
        DeliveryMetrics.discarded());
  }

  /**
   * @param recheckAfter how long a delivery may be held before it is claimed again right before its
   *     provider call
   */
  DeliveryHandler(
      Batcher<DeliveryKey, ClaimAnswer> claims,
      Batcher<DeliveryKey, Claim> rechecks,
      Batcher<Outcome, Boolean> outcomes,
      Notifications notifications,
      Contacts contacts,
      TemplateRenderer renderer,
      ReadyProviders providers,
      DispatcherSettings settings,
      DeadLetterStream deadLetters,
      Duration ackWait,
      Duration recheckAfter,
      DeliveryMetrics metrics) {
    this.metrics = metrics;
    this.claims = claims;
    this.rechecks = rechecks;
    this.outcomes = outcomes;
    // Content never changes once a notification is accepted, so entries need no invalidation.
    // Misses
    // of many notifications at once (single sends, each its own notification) are read in one
    // query.
    this.contentLoads =
        new Batcher<>(
            "contents",
            200,
            settings.batchDelay(),
            ids -> {
              java.util.Map<UUID, NotificationStore.Content> found = notifications.contents(ids);
              return ids.stream().map(id -> Optional.ofNullable(found.get(id))).toList();
            });
    this.contents =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .buildAsync();
    this.renderer = renderer;
    this.contacts = contacts;
    this.fallback = new Fallback(notifications, contacts);
    this.notifications = notifications;
    this.providers = providers;
    this.settings = settings;
    this.backoff = new Backoff(settings.baseBackoff(), settings.maxBackoff());
    this.deadLetters = deadLetters;
    this.deadlines = new AckDeadlines(ackWait);
    this.recheckAfter = recheckAfter;
  }

  public void handle(Message message) {
    DeliveryMessage delivery;
    try {
      delivery = Json.read(message.getData(), DeliveryMessage.class);
      if (delivery.deliveryId() == null
          || delivery.createdAt() == null
          || delivery.channel() == null) {
        throw new IllegalArgumentException("missing deliveryId, createdAt or channel");
      }
    } catch (RuntimeException e) {
      LOG.error(
          "undecodable message on {} moved to the dead-letter stream: {}",
          message.getSubject(),
          e.getMessage());
      String channel = message.getSubject().substring(message.getSubject().lastIndexOf('.') + 1);
      deadLetters.write(channel, message.getData(), "undecodable");
      metrics.undecodable(dev.herald.api.Channel.fromWire(channel));
      message.term();
      return;
    }
    deadlines.hold(message);
    try {
      handle(delivery, Acknowledgement.of(message));
    } finally {
      deadlines.release(message);
    }
  }

  /**
   * Handles a decoded delivery; {@code message} is told what became of it once its outcome is
   * stored.
   */
  void handle(DeliveryMessage delivery, Acknowledgement message) {
    Held held = new Held(delivery);
    ClaimAnswer answer;
    try {
      answer =
          claims
              .submit(held.key, held.urgent)
              .get(settings.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn(
          "cannot claim delivery {}: {}; retrying later", delivery.deliveryId(), rootMessage(e));
      message.nakWithDelay(STORE_RETRY);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (answer == null) {
      // Already finished or cancelled: a redelivery, or a cancelled notification.
      message.ack();
      return;
    }
    if (answer instanceof ClaimAnswer.HeldElsewhere elsewhere) {
      // Not acknowledged: should that dispatcher die before recording an outcome, this copy is
      // what sends it once the lease has run out.
      message.nakWithDelay(elsewhere.leaseLeft().plus(HELD_ELSEWHERE_MARGIN));
      return;
    }
    Claim claim = (Claim) answer;
    held.claimedAt = System.nanoTime();
    Decision decision;
    try {
      decision = decide(delivery, held, claim);
    } catch (RuntimeException e) {
      decision = failedOutside(delivery, held.key, claim, e);
    }
    if (decision.outcome() != null && !recordDurably(decision.outcome(), held.urgent)) {
      // Not acknowledged: JetStream redelivers it after AckWait, and the claim is retried then.
      return;
    }
    // Counted once stored, so a delivery whose outcome is lost and redelivered counts once.
    metrics.recorded(delivery, decision.outcome());
    switch (decision.ack()) {
      case ACK -> message.ack();
      case TERM -> message.term();
    }
  }

  /**
   * Something outside the provider failed (loading content, reading a Secret, a bug). It counts as
   * an attempt, so that it ends: after {@code maxAttempts} the delivery fails as {@code
   * internal_error} with a dead-letter record, instead of coming back forever.
   */
  private Decision failedOutside(
      DeliveryMessage d, DeliveryKey key, Claim claim, RuntimeException e) {
    int attempt = claim.attempts() + 1;
    String error =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    // The log names the exception's class only: its message may quote data or an address.
    String logged = e.getClass().getName();
    if (attempt >= settings.maxAttempts()) {
      LOG.error(
          "delivery {} failed after {} attempts outside the provider: {}",
          d.deliveryId(),
          attempt,
          logged);
      deadLetters.write(d.channel().wireName(), Json.bytes(d), DeliveryReasons.INTERNAL_ERROR);
      return new Decision(Outcome.internalError(key, error), Ack.TERM);
    }
    Duration delay = backoff.delay(attempt, null);
    LOG.warn(
        "delivery {}: handling failed outside the provider ({}), attempt {} of {}, again in {} ms",
        d.deliveryId(),
        logged,
        attempt,
        settings.maxAttempts(),
        delay.toMillis());
    return new Decision(
        Outcome.retryAfterInternalError(key, error, Instant.now().plus(delay)), Ack.ACK);
  }

  private Decision decide(DeliveryMessage d, Held held, Claim claim) {
    DeliveryKey key = held.key;
    String address = Mask.address(d.channel().wireName(), d.address());
    if (d.expiresAt() != null && Instant.now().isAfter(d.expiresAt())) {
      return new Decision(Outcome.expired(key, d.expiresAt()), Ack.TERM);
    }
    Optional<NotificationStore.Content> content = content(d.notificationId(), held.urgent);
    if (content.isEmpty()) {
      return new Decision(
          Outcome.unsendable(
              key,
              "notification_missing",
              "notification " + d.notificationId() + " is not in the store"),
          Ack.TERM);
    }
    String category = content.get().category();
    boolean critical = content.get().content().critical();
    Optional<String> blocked = claim.blockedBecause(d.channel(), category, critical);
    if (blocked.isPresent()) {
      LOG.info(
          "delivery {} to {} not sent: {} since it was accepted",
          d.deliveryId(),
          address,
          blocked.get());
      return new Decision(Outcome.suppressed(key, blocked.get()), Ack.ACK);
    }
    NotificationStore.Content c = content.get();
    if (c.cap() != null
        && d.userId() != null
        && !critical
        && !notifications.admit(key, d.tenant(), d.userId(), category, c.cap())) {
      LOG.info(
          "delivery {} to {} not sent: {} (at most {} in {})",
          d.deliveryId(),
          address,
          DeliveryReasons.FREQUENCY_CAP,
          c.cap().count(),
          c.cap().window());
      // Suppressed already, in the transaction that counted the user's sends.
      return new Decision(null, Ack.ACK);
    }
    Rendered rendered;
    try {
      rendered =
          renderer.render(
              content.get().content(),
              d.channel(),
              d.locale(),
              TemplateVariables.of(
                  content.get().data(),
                  new TemplateVariables.Recipient(
                      d.userId(), d.address(), d.channel().wireName(), d.locale()),
                  claim.user()));
    } catch (TemplateException e) {
      LOG.warn(
          "delivery {} to {}: template does not render: {}",
          d.deliveryId(),
          address,
          e.getMessage());
      return new Decision(Outcome.unsendable(key, "render_error", e.getMessage()), Ack.TERM);
    }
    List<ProviderRegistry.Candidate> candidates =
        providers.ready(d.tenant(), d.channel(), d.platform(), d.address());
    if (candidates.isEmpty()) {
      Duration wait = noProviderWait(claim.publications());
      return new Decision(
          Outcome.waiting(
              key,
              Outcome.Wait.NO_PROVIDER,
              null,
              "no Ready provider for " + d.channel().wireName(),
              Instant.now().plus(wait)),
          Ack.ACK);
    }
    // The first provider, in order, whose circuit lets the call through; the others are failover.
    ProviderRegistry.Candidate provider = null;
    SendResult result = null;
    Instant probeAt = null;
    for (ProviderRegistry.Candidate candidate : candidates) {
      ProviderGate.Passage passage =
          candidate
              .gate()
              .send(
                  d.priority(),
                  () -> stillWanted(held, d, category, critical),
                  () -> sendVia(candidate, d, rendered, claim));
      switch (passage) {
        case ProviderGate.Passage.Called called -> {
          provider = candidate;
          result = called.result();
          if (result instanceof SendResult.Retry && candidate.gate().circuit() != Circuit.CLOSED) {
            // This failure opened the circuit, or was a probe that failed: the provider is down,
            // so the next one in order is tried now rather than after a backoff on this one.
            continue;
          }
        }
        case ProviderGate.Passage.CircuitOpen open -> {
          probeAt = probeAt == null || open.probeAt().isBefore(probeAt) ? open.probeAt() : probeAt;
          continue;
        }
        case ProviderGate.Passage.Throttled t -> {
          // The provider was not called: it waits, and it is not an attempt, whatever the backlog.
          LOG.debug(
              "delivery {} to {} waits for {} of {}",
              d.deliveryId(),
              address,
              t.limit(),
              candidate.name());
          return new Decision(
              Outcome.waiting(
                  key,
                  Outcome.Wait.THROTTLED,
                  candidate.name(),
                  t.limit() + " of " + candidate.name() + " reached",
                  t.dueAt()),
              Ack.ACK);
        }
        case ProviderGate.Passage.Withdrawn w -> {
          return withdrawn(d, held, address);
        }
      }
      break;
    }
    if (result == null) {
      return new Decision(
          Outcome.waiting(
              key,
              Outcome.Wait.CIRCUIT_OPEN,
              null,
              "every " + d.channel().wireName() + " provider has an open circuit",
              probeAt),
          Ack.ACK);
    }
    int attempt = claim.attempts() + 1;
    return switch (result) {
      case SendResult.Accepted a -> {
        LOG.debug(
            "delivery {} to {} sent via {} ({})",
            d.deliveryId(),
            address,
            provider.name(),
            a.providerMessageId());
        yield new Decision(Outcome.sent(key, provider.name(), a.providerMessageId()), Ack.ACK);
      }
      case SendResult.Permanent p -> {
        LOG.warn(
            "delivery {} to {} failed permanently via {}: {} {}",
            d.deliveryId(),
            address,
            provider.name(),
            p.code(),
            p.message());
        markAddress(d, p);
        fallback.after(d, content.get().fallback());
        yield new Decision(Outcome.refused(key, provider.name(), p.code(), p.message()), Ack.TERM);
      }
      case SendResult.Retry r when attempt >= settings.maxAttempts() -> {
        LOG.warn(
            "delivery {} to {} failed after {} attempts via {}: {} {}",
            d.deliveryId(),
            address,
            attempt,
            provider.name(),
            r.code(),
            r.message());
        deadLetters.write(d.channel().wireName(), Json.bytes(d), DeliveryReasons.EXHAUSTED);
        yield new Decision(
            Outcome.exhausted(key, provider.name(), r.code(), r.message()), Ack.TERM);
      }
      case SendResult.Retry r -> {
        Duration delay = backoff.delay(attempt, r.retryAfter());
        LOG.info(
            "delivery {} to {}: attempt {} via {} failed ({}), retrying in {} ms",
            d.deliveryId(),
            address,
            attempt,
            provider.name(),
            r.code(),
            delay.toMillis());
        yield new Decision(
            Outcome.retryLater(
                key, provider.name(), r.code(), r.message(), Instant.now().plus(delay)),
            Ack.ACK);
      }
    };
  }

  /**
   * A wait for a Ready provider that doubles each time the delivery comes back; a provider becoming
   * Ready ends it.
   */
  static Duration noProviderWait(int publications) {
    long millis = NO_PROVIDER_WAIT.toMillis() << Math.min(Math.max(publications - 1, 0), 10);
    return Duration.ofMillis(Math.min(millis, MAX_NO_PROVIDER_WAIT.toMillis()));
  }

  /**
   * Right before a provider call: a delivery held for a while (waiting for a permit, or after a
   * failed-over call) is claimed again, which sees a cancel, an erasure or an opt-out that came
   * meanwhile. A delivery claimed moments ago needs no second look.
   */
  private boolean stillWanted(Held held, DeliveryMessage d, String category, boolean critical) {
    if (System.nanoTime() - held.claimedAt < recheckAfter.toNanos()) {
      return true;
    }
    Claim again;
    try {
      again =
          rechecks
              .submit(held.key, held.urgent)
              .get(settings.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "claiming delivery " + held.key.id() + " again failed: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    held.claimedAt = System.nanoTime();
    if (again == null) {
      return false;
    }
    held.blockedBecause = again.blockedBecause(d.channel(), category, critical).orElse(null);
    return held.blockedBecause == null;
  }

  private Decision withdrawn(DeliveryMessage d, Held held, String address) {
    if (held.blockedBecause != null) {
      LOG.info(
          "delivery {} to {} not sent: {} while it waited",
          d.deliveryId(),
          address,
          held.blockedBecause);
      return new Decision(Outcome.suppressed(held.key, held.blockedBecause), Ack.ACK);
    }
    // Cancelled (or erased) while it waited: the row already says so.
    LOG.debug("delivery {} to {} withdrawn before its provider call", d.deliveryId(), address);
    return new Decision(null, Ack.ACK);
  }

  private static SendResult sendVia(
      ProviderRegistry.Candidate candidate, DeliveryMessage d, Rendered rendered, Claim claim) {
    try {
      return candidate.client().send(d, rendered, claim.webPushKeys());
    } catch (RuntimeException e) {
      return new SendResult.Retry(
          "client_error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
  }

  /** An invalid token deactivates the device; an invalid or opted-out address is suppressed. */
  private void markAddress(DeliveryMessage d, SendResult.Permanent p) {
    try {
      switch (p.address()) {
        case UNCHANGED -> {}
        case INVALID -> {
          if (d.platform() != null) {
            contacts.deactivateDevice(d.tenant(), d.platform(), d.address(), p.code());
          }
          contacts.suppress(d.tenant(), d.channel(), d.address(), DeliveryReasons.INVALID_ADDRESS);
        }
        case OPTED_OUT ->
            contacts.suppress(d.tenant(), d.channel(), d.address(), DeliveryReasons.OPTED_OUT);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "could not record that {} is {}: {}",
          Mask.address(d.channel().wireName(), d.address()),
          p.address(),
          e.toString());
    }
  }

  /**
   * Retries a failed write until {@code storeTimeout}: acknowledging before the outcome is stored
   * could lose it. The message's ack deadline is extended meanwhile, so JetStream does not hand the
   * delivery to another dispatcher while this one still holds its outcome.
   */
  private boolean recordDurably(Outcome outcome, boolean urgent) {
    long deadline = System.nanoTime() + settings.storeTimeout().toNanos();
    for (int i = 1; ; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.error(
            "recording delivery {} gave up after {} ms; it will be redelivered",
            outcome.key().id(),
            settings.storeTimeout().toMillis());
        return false;
      }
      try {
        outcomes.submit(outcome, urgent).get(left, TimeUnit.NANOSECONDS);
        return true;
      } catch (ExecutionException | TimeoutException e) {
        if (e.getCause() instanceof InterruptedException
            || Thread.currentThread().isInterrupted()) {
          return false;
        }
        LOG.warn(
            "recording delivery {} failed ({}), attempt {}", outcome.key().id(), rootMessage(e), i);
        try {
          // The provider may already have the message: hold it (no nak) until the outcome is
          // stored.
          Thread.sleep(
              Math.min(
                  STORE_BACKOFF.delay(i, null).toMillis(),
                  Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  @Override
  public void close() {
    deadlines.close();
    contentLoads.close();
  }

  private Optional<NotificationStore.Content> content(UUID notificationId, boolean urgent) {
    java.util.concurrent.CompletableFuture<Optional<NotificationStore.Content>> cached =
        contents.get(notificationId, (id, executor) -> contentLoads.submit(id, urgent));
    try {
      return cached.get(settings.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "reading the content of notification " + notificationId + " failed: " + rootMessage(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while reading the content of notification " + notificationId, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}
