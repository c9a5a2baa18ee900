package dev.herald.dispatcher.consumer;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.queue.QueueNames;
import dev.herald.core.Json;
import dev.herald.core.batch.Batcher;
import dev.herald.core.log.Mask;
import dev.herald.core.store.Claim;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Outcome;
import dev.herald.core.template.TemplateException;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.template.TemplateVariables;
import dev.herald.dispatcher.DispatcherSettings;
import dev.herald.dispatcher.provider.ProviderRegistry;
import dev.herald.dispatcher.provider.SendResult;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivery message: claim it in Postgres, send it through the first Ready provider,
 * record the outcome, and only then acknowledge (or retry later, or terminate) the message.
 */
public final class DeliveryHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryHandler.class);
  static final Duration NO_PROVIDER_WAIT = Duration.ofSeconds(5);
  static final Duration STORE_RETRY = Duration.ofSeconds(2);
  static final int STORE_ATTEMPTS = 15;
  /**
   * Between attempts to record an outcome: jittered, so that the deliveries in hand do not all
   * retry at the same instant when Postgres comes back; 15 attempts stay well within AckWait.
   */
  private static final Backoff STORE_BACKOFF = new Backoff(Duration.ofMillis(200), STORE_RETRY);

  /** What happens to the message once the outcome is durable. */
  private enum Ack { ACK, TERM, NAK }

  private record Decision(Outcome outcome, Ack ack, Duration delay) {}

  private final Batcher<DeliveryKey, Claim> claims;
  private final Batcher<Outcome, Boolean> outcomes;
  private final LoadingCache<UUID, Optional<NotificationStore.Content>> contents;
  private final TemplateRenderer renderer;
  private final ContactStore contacts;
  private final Fallback fallback;
  private final ProviderRegistry providers;
  private final DispatcherSettings settings;
  private final Backoff backoff;
  private final JetStream jetStream;
  private final QueueNames names;

  public DeliveryHandler(Batcher<DeliveryKey, Claim> claims, Batcher<Outcome, Boolean> outcomes,
      NotificationStore notifications, ContactStore contacts, TemplateRenderer renderer, ProviderRegistry providers,
      DispatcherSettings settings, JetStream jetStream, QueueNames names) {
    this.claims = claims;
    this.outcomes = outcomes;
    // Content never changes once a notification is accepted, so entries need no invalidation.
    this.contents = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1))
        .build(notifications::content);
    this.renderer = renderer;
    this.contacts = contacts;
    this.fallback = new Fallback(notifications, contacts);
    this.providers = providers;
    this.settings = settings;
    this.backoff = new Backoff(settings.baseBackoff(), settings.maxBackoff());
    this.jetStream = jetStream;
    this.names = names;
  }

  public void handle(Message message) {
    DeliveryMessage delivery;
    try {
      delivery = Json.read(message.getData(), DeliveryMessage.class);
      if (delivery.deliveryId() == null || delivery.createdAt() == null || delivery.channel() == null) {
        throw new IllegalArgumentException("missing deliveryId, createdAt or channel");
      }
    } catch (RuntimeException e) {
      LOG.error("undecodable message on {} moved to the dead-letter stream: {}", message.getSubject(), e.getMessage());
      deadLetter(message.getSubject().substring(message.getSubject().lastIndexOf('.') + 1), message.getData(), "undecodable");
      message.term();
      return;
    }
    DeliveryKey key = new DeliveryKey(delivery.deliveryId(), delivery.createdAt());
    Claim claim;
    try {
      claim = claims.submit(key).get();
    } catch (ExecutionException | InterruptedException e) {
      LOG.warn("cannot claim delivery {}: {}; retrying later", delivery.deliveryId(), rootMessage(e));
      message.nakWithDelay(STORE_RETRY);
      return;
    }
    if (claim == null) {
      // Already finished or cancelled: a redelivery, or a cancelled notification.
      message.ack();
      return;
    }
    Decision decision = decide(delivery, key, claim);
    if (!recordDurably(decision.outcome())) {
      // Not acknowledged: JetStream redelivers it after AckWait, and the claim is retried then.
      return;
    }
    switch (decision.ack()) {
      case ACK -> message.ack();
      case TERM -> message.term();
      case NAK -> message.nakWithDelay(decision.delay());
    }
  }

  private Decision decide(DeliveryMessage d, DeliveryKey key, Claim claim) {
    String address = Mask.address(d.channel().wireName(), d.address());
    if (d.expiresAt() != null && Instant.now().isAfter(d.expiresAt())) {
      return new Decision(Outcome.failed(key, false, null, "expired", "expired", "not sent before " + d.expiresAt()), Ack.TERM, null);
    }
    Optional<NotificationStore.Content> content = contents.get(d.notificationId());
    if (content.isEmpty()) {
      return new Decision(Outcome.failed(key, false, null, "permanent", "notification_missing",
          "notification " + d.notificationId() + " is not in the store"), Ack.TERM, null);
    }
    Optional<String> blocked = claim.blockedBecause(d.channel(), content.get().category(), content.get().content().critical());
    if (blocked.isPresent()) {
      LOG.info("delivery {} to {} not sent: {} since it was accepted", d.deliveryId(), address, blocked.get());
      return new Decision(Outcome.suppressed(key, blocked.get()), Ack.ACK, null);
    }
    Rendered rendered;
    try {
      rendered = renderer.render(content.get().content(), d.channel(), d.locale(),
          TemplateVariables.of(content.get().data(),
              new TemplateVariables.Recipient(d.userId(), d.address(), d.channel().wireName(), d.locale())));
    } catch (TemplateException e) {
      LOG.warn("delivery {} to {}: template does not render: {}", d.deliveryId(), address, e.getMessage());
      return new Decision(Outcome.failed(key, false, null, "permanent", "render_error", e.getMessage()), Ack.TERM, null);
    }
    List<ProviderRegistry.Candidate> candidates = providers.ready(d.tenant(), d.channel(), d.platform());
    if (candidates.isEmpty()) {
      return new Decision(Outcome.retry(key, false, null, "no_provider",
          "no Ready provider for " + d.channel().wireName(), Instant.now().plus(NO_PROVIDER_WAIT)), Ack.NAK, NO_PROVIDER_WAIT);
    }
    // The first provider, in order, whose circuit lets the call through; the others are failover.
    ProviderRegistry.Candidate provider = null;
    SendResult result = null;
    for (ProviderRegistry.Candidate candidate : candidates) {
      if (!candidate.gate().isAvailable()) {
        continue;
      }
      Optional<SendResult> answer = candidate.gate().send(d.priority(), () -> sendVia(candidate, d, rendered));
      if (answer.isPresent()) {
        provider = candidate;
        result = answer.get();
        break;
      }
    }
    if (result == null) {
      return new Decision(Outcome.retry(key, false, null, "circuit_open",
          "every " + d.channel().wireName() + " provider is failing", Instant.now().plus(NO_PROVIDER_WAIT)), Ack.NAK, NO_PROVIDER_WAIT);
    }
    int attempt = claim.attempts() + 1;
    return switch (result) {
      case SendResult.Throttled t -> {
        // The provider was not called: back to the stream, not an attempt, whatever the backlog.
        LOG.debug("delivery {} to {} waits for {} of {}", d.deliveryId(), address, t.limit(), provider.name());
        Duration delay = settings.baseBackoff();
        yield new Decision(Outcome.retry(key, false, provider.name(), "throttled", t.limit() + " of " + provider.name()
            + " reached", Instant.now().plus(delay)), Ack.NAK, delay);
      }
      case SendResult.Accepted a -> {
        LOG.debug("delivery {} to {} sent via {} ({})", d.deliveryId(), address, provider.name(), a.providerMessageId());
        yield new Decision(Outcome.sent(key, provider.name(), a.providerMessageId()), Ack.ACK, null);
      }
      case SendResult.Permanent p -> {
        LOG.warn("delivery {} to {} failed permanently via {}: {} {}", d.deliveryId(), address, provider.name(), p.code(), p.message());
        markAddress(d, p);
        fallback.after(d, content.get().fallback());
        yield new Decision(Outcome.failed(key, true, provider.name(), "permanent", p.code(), p.message()), Ack.TERM, null);
      }
      case SendResult.Retry r when attempt >= settings.maxAttempts() -> {
        LOG.warn("delivery {} to {} failed after {} attempts via {}: {} {}", d.deliveryId(), address, attempt,
            provider.name(), r.code(), r.message());
        deadLetter(d.channel().wireName(), Json.bytes(d), "exhausted");
        yield new Decision(Outcome.failed(key, true, provider.name(), "exhausted", r.code(), r.message()), Ack.TERM, null);
      }
      case SendResult.Retry r -> {
        Duration delay = backoff.delay(attempt, r.retryAfter());
        LOG.info("delivery {} to {}: attempt {} via {} failed ({}), retrying in {} ms", d.deliveryId(), address,
            attempt, provider.name(), r.code(), delay.toMillis());
        yield new Decision(Outcome.retry(key, true, provider.name(), r.code(), r.message(), Instant.now().plus(delay)),
            Ack.NAK, delay);
      }
    };
  }

  private static SendResult sendVia(ProviderRegistry.Candidate candidate, DeliveryMessage d, Rendered rendered) {
    try {
      return candidate.client().send(d, rendered);
    } catch (RuntimeException e) {
      return new SendResult.Retry("client_error", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
  }

  /** An invalid token deactivates the device; an invalid or opted-out address is suppressed. */
  private void markAddress(DeliveryMessage d, SendResult.Permanent p) {
    try {
      switch (p.address()) {
        case UNCHANGED -> { }
        case INVALID -> {
          if (d.platform() != null) {
            contacts.deactivateDevice(d.tenant(), d.platform(), d.address(), p.code());
          }
          contacts.suppress(d.tenant(), d.channel(), d.address(), DeliveryReasons.INVALID_ADDRESS);
        }
        case OPTED_OUT -> contacts.suppress(d.tenant(), d.channel(), d.address(), DeliveryReasons.OPTED_OUT);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not record that {} is {}: {}", Mask.address(d.channel().wireName(), d.address()), p.address(), e.toString());
    }
  }

  /** Retries a failed write for a while: acknowledging before the outcome is stored could lose it. */
  private boolean recordDurably(Outcome outcome) {
    for (int i = 1; i <= STORE_ATTEMPTS; i++) {
      try {
        outcomes.submit(outcome).get();
        return true;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
          return false;
        }
        LOG.warn("recording delivery {} failed ({}), attempt {} of {}", outcome.key().id(), rootMessage(e), i, STORE_ATTEMPTS);
        try {
          // The provider may already have the message: hold it (no nak) until the outcome is stored.
          Thread.sleep(STORE_BACKOFF.delay(i, null).toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void deadLetter(String channel, byte[] data, String reason) {
    try {
      Headers headers = new Headers().put("Herald-Dead-Reason", reason);
      jetStream.publish(names.subjectPrefix() + ".dead." + channel, headers, data);
    } catch (Exception e) {
      LOG.warn("could not write to the dead-letter stream: {}", e.toString());
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
