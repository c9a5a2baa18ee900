package dev.herald.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.PushContent;
import dev.herald.api.template.SmsContent;
import dev.herald.core.Json;
import dev.herald.core.batch.Batcher;
import dev.herald.core.store.Claim;
import dev.herald.core.store.ClaimAnswer;
import dev.herald.core.store.Contact;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Outcome;
import dev.herald.core.store.Preference;
import dev.herald.core.template.TemplateContent;
import dev.herald.core.template.TemplateRenderer;
import dev.herald.dispatcher.DispatcherSettings;
import dev.herald.dispatcher.provider.ProviderGate;
import dev.herald.dispatcher.provider.ProviderRegistry;
import dev.herald.providers.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the dispatcher does with one delivery — sends, suppresses, waits, retries, fails, dead-
 * letters — and what it tells JetStream, against stores, providers and a stream in memory. Every
 * outcome must be stored before the message is acknowledged or terminated.
 */
class DeliveryHandlerTest {
  private static final int MAX_ATTEMPTS = 3;
  private static final Duration BASE_BACKOFF = Duration.ofSeconds(2);
  private static final UUID NOTIFICATION = UUID.randomUUID();
  private static final Instant CREATED = Instant.parse("2026-12-03T10:00:00Z");
  private static final TemplateContent CONTENT =
      new TemplateContent(
          "en",
          new EmailContent("Your order {{ orderId }}", null, "Hello {{ name }}", null, null, null),
          new SmsContent("Order {{ orderId }} shipped", null),
          new PushContent("Order {{ orderId }}", "Shipped", null, null, null, null, null),
          Map.of(),
          false);

  /** What happened, in order: outcomes stored and what JetStream was told. */
  private final List<String> journal = new CopyOnWriteArrayList<>();

  private final List<Outcome> stored = new CopyOnWriteArrayList<>();
  private final Map<UUID, ClaimAnswer> claimable = new ConcurrentHashMap<>();
  private final Map<UUID, Claim> reclaimable = new ConcurrentHashMap<>();
  private final List<String> deadLetters = new CopyOnWriteArrayList<>();
  private volatile boolean storeDown;
  private volatile boolean claimsDown;

  private final InMemoryNotifications notifications =
      new InMemoryNotifications().content(NOTIFICATION, content(CONTENT, List.of()));
  private final InMemoryContacts contacts = new InMemoryContacts();
  private final List<ProviderRegistry.Candidate> ready = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  private static NotificationStore.Content content(
      TemplateContent content, List<Channel> fallback) {
    return new NotificationStore.Content(
        content,
        Json.MAPPER.createObjectNode().put("name", "Ada").put("orderId", "1003"),
        "transactional",
        fallback);
  }

  private static Claim claim(int attempts) {
    return new Claim(attempts, null, true, List.of(), 1, null);
  }

  private static DeliveryMessage email(UUID id) {
    return new DeliveryMessage(
        id,
        NOTIFICATION,
        CREATED,
        "shop",
        Channel.EMAIL,
        null,
        "ada@shop.example",
        "ada",
        "en",
        Priority.NORMAL,
        null);
  }

  private <T, R> Batcher<T, R> batcher(
      String name, java.util.function.Function<List<T>, List<R>> flush) {
    Batcher<T, R> batcher = new Batcher<>(name, 16, Duration.ofMillis(1), flush);
    closing.add(batcher);
    return batcher;
  }

  private DeliveryHandler handler(DispatcherSettings settings, Duration recheckAfter) {
    Batcher<DeliveryKey, ClaimAnswer> claims =
        batcher(
            "claims",
            keys -> {
              if (claimsDown) {
                throw new IllegalStateException("connection refused");
              }
              return keys.stream().map(k -> claimable.get(k.id())).toList();
            });
    Batcher<DeliveryKey, Claim> rechecks =
        batcher("rechecks", keys -> keys.stream().map(k -> reclaimable.get(k.id())).toList());
    Batcher<Outcome, Boolean> outcomes =
        batcher(
            "outcomes",
            batch -> {
              if (storeDown) {
                throw new IllegalStateException("connection refused");
              }
              batch.forEach(
                  o -> {
                    stored.add(o);
                    journal.add("stored " + o.state().wireName());
                  });
              return batch.stream().map(o -> true).toList();
            });
    DeliveryHandler handler =
        new DeliveryHandler(
            claims,
            rechecks,
            outcomes,
            notifications,
            contacts,
            new TemplateRenderer(),
            (namespace, channel, platform, address) -> List.copyOf(ready),
            settings,
            (channel, message, reason) ->
                deadLetters.add(
                    channel
                        + ":"
                        + reason
                        + ":"
                        + Json.read(message, DeliveryMessage.class).deliveryId()),
            Duration.ofSeconds(30),
            recheckAfter);
    closing.add(handler);
    return handler;
  }

  private DeliveryHandler handler() {
    return handler(
        DispatcherSettings.defaults().withProviderLimits(MAX_ATTEMPTS, Duration.ZERO),
        Duration.ofHours(1));
  }

  @AfterEach
  void close() throws InterruptedException {
    // A batcher's worker notices it is closed within its 100 ms poll: closed together, not in turn.
    List<Thread> closers =
        closing.stream()
            .map(
                c ->
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try {
                                c.close();
                              } catch (Exception e) {
                                throw new IllegalStateException(e);
                              }
                            }))
            .toList();
    for (Thread closer : closers) {
      closer.join();
    }
  }

  /**
   * Handles a claimable delivery and returns its one stored outcome, or null when none was stored.
   */
  private Outcome handle(DeliveryHandler handler, DeliveryMessage d, ClaimAnswer claim) {
    claimable.put(d.deliveryId(), claim);
    handler.handle(d, acknowledgement());
    assertThat(stored.size()).as("outcomes stored").isLessThanOrEqualTo(1);
    return stored.isEmpty() ? null : stored.get(0);
  }

  private Acknowledgement acknowledgement() {
    return new Acknowledgement() {
      @Override
      public void ack() {
        journal.add("ack");
      }

      @Override
      public void term() {
        journal.add("term");
      }

      @Override
      public void nakWithDelay(Duration delay) {
        journal.add("nak " + delay.toMillis() + " ms");
      }
    };
  }

  private ScriptedProvider provider(String name) {
    ScriptedProvider provider = new ScriptedProvider(name);
    ready.add(provider.candidate());
    return provider;
  }

  private static void assertDueIn(Outcome o, Duration least, Duration most) {
    Instant now = Instant.now();
    assertThat(o.nextAttemptAt())
        .isBetween(now.plus(least).minusSeconds(1), now.plus(most).plusMillis(100));
  }

  @Test
  void anAcceptedSendIsStoredAsSentBeforeTheMessageIsAcknowledged() {
    ScriptedProvider sendgrid = provider("sendgrid");
    UUID id = UUID.randomUUID();

    Outcome o = handle(handler(), email(id), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.SENT);
    assertThat(o.provider()).isEqualTo("sendgrid");
    assertThat(o.providerMessageId()).isEqualTo("provider-message-1");
    assertThat(o.attempted()).isTrue();
    assertThat(journal).containsExactly("stored sent", "ack");
    assertThat(sendgrid.sent)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.content())
                    .isInstanceOfSatisfying(
                        TemplateRenderer.RenderedEmail.class,
                        e -> {
                          assertThat(e.subject()).isEqualTo("Your order 1003");
                          assertThat(e.text()).isEqualTo("Hello Ada");
                        }));
  }

  @Test
  void aDeliveryPastItsExpiryFailsAsExpiredWithoutAProviderCallAndIsTerminated() {
    ScriptedProvider sendgrid = provider("sendgrid");
    DeliveryMessage d = email(UUID.randomUUID());
    DeliveryMessage expired =
        new DeliveryMessage(
            d.deliveryId(),
            NOTIFICATION,
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            d.address(),
            "ada",
            "en",
            Priority.NORMAL,
            Instant.now().minusSeconds(1));

    Outcome o = handle(handler(), expired, claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(o.failureReason()).isEqualTo(Outcome.Failure.EXPIRED.stored());
    assertThat(o.attempted()).isFalse();
    assertThat(journal).containsExactly("stored failed", "term");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aDeliveryWhoseNotificationIsNoLongerStoredFailsAndIsTerminated() {
    provider("sendgrid");
    DeliveryMessage orphan =
        new DeliveryMessage(
            UUID.randomUUID(),
            UUID.randomUUID(),
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            "ada@shop.example",
            "ada",
            "en",
            Priority.NORMAL,
            null);

    Outcome o = handle(handler(), orphan, claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(o.errorCode()).isEqualTo("notification_missing");
    assertThat(journal).containsExactly("stored failed", "term");
  }

  @Test
  void aRecipientWhoOptedOutSinceAcceptanceIsSuppressedAndNotSent() {
    ScriptedProvider sendgrid = provider("sendgrid");
    Claim optedOut =
        new Claim(0, null, true, List.of(new Preference("email", Preference.ANY, false)), 1, null);

    Outcome o = handle(handler(), email(UUID.randomUUID()), optedOut);

    assertThat(o.state()).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(o.failureReason()).isEqualTo(DeliveryReasons.OPTED_OUT);
    assertThat(journal).containsExactly("stored suppressed", "ack");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aCriticalTemplateIsSentDespiteAnOptOutButNeverToASuppressedAddress() {
    ScriptedProvider sendgrid = provider("sendgrid");
    UUID critical = UUID.randomUUID();
    notifications.content(
        critical,
        content(new TemplateContent("en", CONTENT.email(), null, null, Map.of(), true), List.of()));
    DeliveryHandler handler = handler();
    DeliveryMessage d = email(UUID.randomUUID());
    DeliveryMessage sendCritical =
        new DeliveryMessage(
            d.deliveryId(),
            critical,
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            d.address(),
            "ada",
            "en",
            Priority.HIGH,
            null);

    Outcome sent =
        handle(
            handler,
            sendCritical,
            new Claim(
                0, null, true, List.of(new Preference("email", Preference.ANY, false)), 1, null));
    assertThat(sent.state()).isEqualTo(DeliveryState.SENT);

    stored.clear();
    DeliveryMessage again =
        new DeliveryMessage(
            UUID.randomUUID(),
            critical,
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            d.address(),
            "ada",
            "en",
            Priority.HIGH,
            null);
    Outcome suppressed = handle(handler, again, new Claim(0, "bounced", true, List.of(), 1, null));
    assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(suppressed.failureReason()).isEqualTo("bounced");
    assertThat(sendgrid.sent).hasSize(1);
  }

  @Test
  void aPushToADeviceNoLongerActiveIsSuppressed() {
    provider("fcm");
    DeliveryMessage push =
        new DeliveryMessage(
            UUID.randomUUID(),
            NOTIFICATION,
            CREATED,
            "shop",
            Channel.PUSH,
            "android",
            "token-1",
            "ada",
            "en",
            Priority.NORMAL,
            null);

    Outcome o = handle(handler(), push, new Claim(0, null, false, List.of(), 1, null));

    assertThat(o.failureReason()).isEqualTo(DeliveryReasons.DEVICE_INACTIVE);
    assertThat(journal).containsExactly("stored suppressed", "ack");
  }

  @Test
  void aTemplateThatDoesNotRenderFailsAsRenderErrorAndIsTerminated() {
    ScriptedProvider sendgrid = provider("sendgrid");
    UUID broken = UUID.randomUUID();
    notifications.content(
        broken,
        content(
            new TemplateContent(
                "en",
                new EmailContent("Hi {{ nickname }}", null, "x", null, null, null),
                null,
                null,
                Map.of(),
                false),
            List.of()));
    DeliveryMessage d =
        new DeliveryMessage(
            UUID.randomUUID(),
            broken,
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            "ada@shop.example",
            "ada",
            "en",
            Priority.NORMAL,
            null);

    Outcome o = handle(handler(), d, claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(o.errorCode()).isEqualTo("render_error");
    assertThat(journal).containsExactly("stored failed", "term");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void theTemplateRendersWithTheUsersAttributesFromTheClaimAndAMissingOneAsNothing() {
    ScriptedProvider sendgrid = provider("sendgrid");
    UUID hello = UUID.randomUUID();
    notifications.content(
        hello,
        content(
            new TemplateContent(
                "en",
                new EmailContent(
                    "Hi {{ user.firstName }}{{ user.lastName }}",
                    null,
                    "{{ name }} / {{ user.id }} / {{ user.timeZone }}",
                    null,
                    null,
                    null),
                null,
                null,
                Map.of(),
                false),
            List.of()));
    DeliveryMessage d =
        new DeliveryMessage(
            UUID.randomUUID(),
            hello,
            CREATED,
            "shop",
            Channel.EMAIL,
            null,
            "ada@shop.example",
            "ada",
            "en",
            Priority.NORMAL,
            null);
    Claim withUser =
        new Claim(
            0,
            null,
            true,
            List.of(),
            1,
            null,
            new dev.herald.core.template.TemplateVariables.User(
                Json.MAPPER.createObjectNode().put("firstName", "Augusta"), "en", "Europe/London"));

    Outcome o = handle(handler(), d, withUser);

    assertThat(o.state()).isEqualTo(DeliveryState.SENT);
    assertThat(sendgrid.sent)
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.content())
                    .isInstanceOfSatisfying(
                        TemplateRenderer.RenderedEmail.class,
                        e -> {
                          assertThat(e.subject()).isEqualTo("Hi Augusta");
                          assertThat(e.text()).isEqualTo("Ada / ada / Europe/London");
                        }));
  }

  @Test
  void withoutAReadyProviderTheDeliveryWaitsWithoutAnAttemptLongerEachTimeItComesBack() {
    DeliveryHandler handler = handler();

    Outcome first =
        handle(handler, email(UUID.randomUUID()), new Claim(0, null, true, List.of(), 1, null));
    assertThat(first.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(first.errorCode()).isEqualTo(DeliveryReasons.NO_PROVIDER);
    assertThat(first.attempted()).isFalse();
    assertDueIn(first, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(journal).containsExactly("stored pending", "ack");

    stored.clear();
    Outcome fourth =
        handle(handler, email(UUID.randomUUID()), new Claim(0, null, true, List.of(), 4, null));
    assertDueIn(fourth, Duration.ofSeconds(8), Duration.ofSeconds(8));

    stored.clear();
    Outcome later =
        handle(handler, email(UUID.randomUUID()), new Claim(0, null, true, List.of(), 30, null));
    assertDueIn(later, Duration.ofMinutes(1), Duration.ofMinutes(1));
  }

  @Test
  void aProviderWhoseCircuitIsOpenIsSkippedForTheNextOneInOrder() {
    ScriptedProvider primary = provider("sendgrid-primary").withOpenCircuit();
    primary.sent.clear();
    ScriptedProvider secondary = provider("sendgrid-secondary");

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.SENT);
    assertThat(o.provider()).isEqualTo("sendgrid-secondary");
    assertThat(primary.sent).isEmpty();
    assertThat(secondary.sent).hasSize(1);
  }

  @Test
  void aFailureThatOpensTheCircuitGoesOnToTheNextProviderAtOnce() {
    ScriptedProvider primary =
        provider("sendgrid-primary")
            .answers(new SendResult.Retry("http_503", "unavailable", null))
            .oneFailureFromOpening();
    ScriptedProvider secondary = provider("smtp-secondary");

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.SENT);
    assertThat(o.provider()).isEqualTo("smtp-secondary");
    assertThat(primary.sent).as("the call that opened its circuit").hasSize(1);
    assertThat(secondary.sent).hasSize(1);
    assertThat(journal).containsExactly("stored sent", "ack");
  }

  @Test
  void aFailureWhileTheCircuitStaysClosedIsRetriedLaterNotFailedOver() {
    ScriptedProvider primary =
        provider("sendgrid-primary").answers(new SendResult.Retry("http_503", "unavailable", null));
    ScriptedProvider secondary = provider("smtp-secondary");

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(o.provider()).isEqualTo("sendgrid-primary");
    assertThat(o.errorCode()).isEqualTo("http_503");
    assertThat(primary.sent).hasSize(1);
    assertThat(secondary.sent).as("a blip costs a retry, not a vendor switch").isEmpty();
  }

  @Test
  void theFirstProviderInOrderIsUsedWhileItsCircuitIsClosed() {
    ScriptedProvider primary = provider("sendgrid-primary");
    ScriptedProvider secondary = provider("sendgrid-secondary");

    assertThat(handle(handler(), email(UUID.randomUUID()), claim(0)).provider())
        .isEqualTo("sendgrid-primary");
    assertThat(primary.sent).hasSize(1);
    assertThat(secondary.sent).isEmpty();
  }

  @Test
  void whenEveryCircuitIsOpenTheDeliveryWaitsForTheProbeWithoutAnAttempt() {
    provider("sendgrid-primary").withOpenCircuit();
    provider("sendgrid-secondary").withOpenCircuit();

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(2));

    assertThat(o.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(o.errorCode()).isEqualTo(DeliveryReasons.CIRCUIT_OPEN);
    assertThat(o.attempted()).isFalse();
    // circuits opened for a minute: probed then, give or take the jitter
    assertDueIn(o, Duration.ofSeconds(59), Duration.ofSeconds(75));
    assertThat(journal).containsExactly("stored pending", "ack");
  }

  @Test
  void aThrottledSendWaitsForTheProviderWithoutCallingItOrCountingAnAttempt() {
    ScriptedProvider twilio =
        provider("twilio")
            .answers(new SendResult.Retry("http_429", "too many requests", Duration.ofSeconds(20)));
    DeliveryHandler handler = handler();
    handle(handler, email(UUID.randomUUID()), claim(0));
    stored.clear();
    journal.clear();
    twilio.answers(new SendResult.Accepted("m"));

    Outcome o = handle(handler, email(UUID.randomUUID()), claim(MAX_ATTEMPTS - 1));

    assertThat(o.state()).as("not exhausted: no attempt was made").isEqualTo(DeliveryState.PENDING);
    assertThat(o.errorCode()).isEqualTo(DeliveryReasons.THROTTLED);
    assertThat(o.provider()).isEqualTo("twilio");
    assertThat(o.error()).contains(ProviderGate.PROVIDER_RATE_LIMIT);
    assertThat(o.attempted()).isFalse();
    assertDueIn(o, Duration.ofSeconds(20), Duration.ofSeconds(25));
    assertThat(twilio.sent).as("only the call told to wait").hasSize(1);
    assertThat(journal).containsExactly("stored pending", "ack");
  }

  @Test
  void aDeliveryCancelledWhileItWasHeldIsNotSentAndItsRowIsLeftAsTheCancelWroteIt() {
    ScriptedProvider sendgrid = provider("sendgrid");
    DeliveryHandler handler =
        handler(
            DispatcherSettings.defaults().withProviderLimits(MAX_ATTEMPTS, Duration.ZERO),
            Duration.ZERO);
    // no claim for it any more: cancelled
    Outcome o = handle(handler, email(UUID.randomUUID()), claim(0));

    assertThat(o).isNull();
    assertThat(journal).containsExactly("ack");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aRecipientWhoOptedOutWhileTheDeliveryWasHeldIsSuppressedNotSent() {
    ScriptedProvider sendgrid = provider("sendgrid");
    DeliveryHandler handler =
        handler(
            DispatcherSettings.defaults().withProviderLimits(MAX_ATTEMPTS, Duration.ZERO),
            Duration.ZERO);
    UUID id = UUID.randomUUID();
    reclaimable.put(
        id,
        new Claim(
            0,
            null,
            true,
            List.of(new Preference(Preference.ANY, Preference.ANY, false)),
            1,
            null));

    Outcome o = handle(handler, email(id), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(o.failureReason()).isEqualTo(DeliveryReasons.OPTED_OUT);
    assertThat(journal).containsExactly("stored suppressed", "ack");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aDeliveryStillWantedWhenClaimedAgainIsSent() {
    provider("sendgrid");
    DeliveryHandler handler =
        handler(
            DispatcherSettings.defaults().withProviderLimits(MAX_ATTEMPTS, Duration.ZERO),
            Duration.ZERO);
    UUID id = UUID.randomUUID();
    reclaimable.put(id, claim(0));

    assertThat(handle(handler, email(id), claim(0)).state()).isEqualTo(DeliveryState.SENT);
  }

  @Test
  void anInvalidDeviceTokenIsDeactivatedSuppressedAndTheUserIsReachedOnTheFallbackChannel() {
    UUID withFallback = UUID.randomUUID();
    notifications.content(withFallback, content(CONTENT, List.of(Channel.SMS, Channel.EMAIL)));
    contacts.user(
        new Contact(
            "ada", "ada@shop.example", null, "en", List.of(new Contact.Device("ios", "token-1"))));
    provider("apns")
        .answers(
            new SendResult.Permanent(
                "BadDeviceToken", "the token is not valid", SendResult.AddressVerdict.INVALID));
    DeliveryMessage push =
        new DeliveryMessage(
            UUID.randomUUID(),
            withFallback,
            CREATED,
            "shop",
            Channel.PUSH,
            "ios",
            "token-1",
            "ada",
            "en",
            Priority.NORMAL,
            null);

    Outcome o = handle(handler(), push, claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(o.failureReason()).isEqualTo(Outcome.Failure.PERMANENT.stored());
    assertThat(o.errorCode()).isEqualTo("BadDeviceToken");
    assertThat(journal).containsExactly("stored failed", "term");
    assertThat(contacts.deactivatedDevices).containsExactly("ios:token-1");
    assertThat(contacts.suppressed)
        .containsExactly(
            new InMemoryContacts.Mark(Channel.PUSH, "token-1", DeliveryReasons.INVALID_ADDRESS));
    // sms is first in the chain, but ada has no phone
    assertThat(notifications.added)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.delivery().channel()).isEqualTo(Channel.EMAIL);
              assertThat(a.delivery().address()).isEqualTo("ada@shop.example");
              assertThat(a.of().id()).isEqualTo(push.deliveryId());
            });
  }

  @Test
  void aRecipientWhoRepliedStopIsSuppressedAsOptedOutAndTheDeviceIsLeftAlone() {
    provider("twilio")
        .answers(
            new SendResult.Permanent(
                "21610", "unsubscribed recipient", SendResult.AddressVerdict.OPTED_OUT));
    DeliveryMessage sms =
        new DeliveryMessage(
            UUID.randomUUID(),
            NOTIFICATION,
            CREATED,
            "shop",
            Channel.SMS,
            null,
            "+14155552671",
            null,
            null,
            Priority.NORMAL,
            null);

    Outcome o = handle(handler(), sms, claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(contacts.suppressed)
        .containsExactly(
            new InMemoryContacts.Mark(Channel.SMS, "+14155552671", DeliveryReasons.OPTED_OUT));
    assertThat(contacts.deactivatedDevices).isEmpty();
    assertThat(notifications.added).as("a raw address has no fallback").isEmpty();
  }

  @Test
  void aRefusalOfTheRequestLeavesTheAddressAlone() {
    provider("sendgrid").answers(new SendResult.Permanent("http_400", "bad request"));

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(contacts.suppressed).isEmpty();
    assertThat(journal).containsExactly("stored failed", "term");
  }

  @Test
  void aRetryableAnswerIsRetriedAfterABackoffAndCountsAnAttempt() {
    ScriptedProvider sendgrid =
        provider("sendgrid").answers(new SendResult.Retry("http_503", "unavailable", null));

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(1));

    assertThat(o.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(o.attempted()).isTrue();
    assertThat(o.errorCode()).isEqualTo("http_503");
    // the second attempt: half to all of twice the base backoff
    assertDueIn(o, BASE_BACKOFF, BASE_BACKOFF.multipliedBy(2));
    assertThat(journal).containsExactly("stored pending", "ack");
    assertThat(sendgrid.sent).hasSize(1);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void aProvidersRetryAfterLongerThanTheBackoffIsObeyed() {
    provider("sendgrid")
        .answers(new SendResult.Retry("http_503", "unavailable", Duration.ofMinutes(3)));

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertDueIn(o, Duration.ofMinutes(3), Duration.ofMinutes(3));
  }

  @Test
  void theLastAttemptFailingIsExhaustedDeadLetteredAndTerminated() {
    provider("sendgrid").answers(new SendResult.Retry("http_503", "unavailable", null));
    UUID id = UUID.randomUUID();

    Outcome o = handle(handler(), email(id), claim(MAX_ATTEMPTS - 1));

    assertThat(o.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(o.failureReason()).isEqualTo(DeliveryReasons.EXHAUSTED);
    assertThat(deadLetters).containsExactly("email:" + DeliveryReasons.EXHAUSTED + ":" + id);
    assertThat(journal).containsExactly("stored failed", "term");
  }

  @Test
  void aFailureOutsideTheProviderIsRetriedAsAnAttemptUntilTheLastWhichFailsAsInternalError() {
    provider("sendgrid");
    notifications.contentsFailWith =
        new IllegalStateException("relation \"notifications\" does not exist");
    DeliveryHandler handler = handler();

    Outcome retried = handle(handler, email(UUID.randomUUID()), claim(0));
    assertThat(retried.state()).isEqualTo(DeliveryState.PENDING);
    assertThat(retried.attempted()).isTrue();
    assertThat(retried.errorCode()).isEqualTo(DeliveryReasons.INTERNAL_ERROR);
    assertDueIn(retried, BASE_BACKOFF.dividedBy(2), BASE_BACKOFF);
    assertThat(journal).containsExactly("stored pending", "ack");

    stored.clear();
    journal.clear();
    UUID last = UUID.randomUUID();
    Outcome failed = handle(handler, email(last), claim(MAX_ATTEMPTS - 1));
    assertThat(failed.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(failed.failureReason()).isEqualTo(DeliveryReasons.INTERNAL_ERROR);
    assertThat(deadLetters).containsExactly("email:" + DeliveryReasons.INTERNAL_ERROR + ":" + last);
    assertThat(journal).containsExactly("stored failed", "term");
  }

  @Test
  void anOutcomeThatCannotBeStoredLeavesTheMessageUnacknowledgedSoThatJetStreamRedeliversIt() {
    ScriptedProvider sendgrid = provider("sendgrid");
    storeDown = true;
    DispatcherSettings d =
        DispatcherSettings.defaults().withProviderLimits(MAX_ATTEMPTS, Duration.ZERO);
    DeliveryHandler handler =
        handler(
            new DispatcherSettings(
                d.channels(),
                d.maxInFlight(),
                d.fetchBatch(),
                d.maxAttempts(),
                d.baseBackoff(),
                d.maxBackoff(),
                d.sendTimeout(),
                d.batchDelay(),
                d.circuitOpenFor(),
                d.permitWait(),
                Duration.ofMillis(300),
                d.watched()),
            Duration.ofHours(1));

    Outcome o = handle(handler, email(UUID.randomUUID()), claim(0));

    assertThat(o).isNull();
    assertThat(sendgrid.sent).as("it was sent").hasSize(1);
    assertThat(journal).as("neither acknowledged nor terminated").isEmpty();
  }

  @Test
  void aFinishedOrCancelledDeliveryIsAcknowledgedWithoutASend() {
    ScriptedProvider sendgrid = provider("sendgrid");
    DeliveryMessage d = email(UUID.randomUUID());

    handler().handle(d, acknowledgement());

    assertThat(stored).isEmpty();
    assertThat(journal).containsExactly("ack");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aCopyOfADeliveryAnotherDispatcherHoldsComesBackOnceItsLeaseHasRunOut() {
    ScriptedProvider sendgrid = provider("sendgrid");

    Outcome o =
        handle(
            handler(),
            email(UUID.randomUUID()),
            new ClaimAnswer.HeldElsewhere(Duration.ofSeconds(10)));

    assertThat(o).isNull();
    assertThat(journal).containsExactly("nak 10500 ms");
    assertThat(sendgrid.sent).isEmpty();
  }

  @Test
  void aClaimThatCannotBeReadIsOfferedAgainShortly() {
    provider("sendgrid");
    claimsDown = true;

    Outcome o = handle(handler(), email(UUID.randomUUID()), claim(0));

    assertThat(o).isNull();
    assertThat(journal).containsExactly("nak " + DeliveryHandler.STORE_RETRY.toMillis() + " ms");
  }
}
