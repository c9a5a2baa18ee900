package dev.herald.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.store.Contact;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The delivery added after a user's delivery failed for good: on the next channel of the chain that
 * can reach them.
 */
class FallbackTest {
  private final InMemoryNotifications notifications = new InMemoryNotifications();
  private final InMemoryContacts contacts = new InMemoryContacts();
  private final Fallback fallback = new Fallback(notifications, contacts);

  private static DeliveryMessage failed(Channel channel, String userId) {
    return new DeliveryMessage(
        UUID.randomUUID(),
        UUID.randomUUID(),
        Instant.parse("2026-12-03T10:00:00Z"),
        "shop",
        channel,
        channel == Channel.PUSH ? "ios" : null,
        "address-that-failed",
        userId,
        "en",
        Priority.NORMAL,
        null);
  }

  private List<Channel> addedChannels() {
    return notifications.added.stream().map(a -> a.delivery().channel()).toList();
  }

  @Test
  void theUserIsReachedOnTheFirstChannelOfTheChainTheyHaveAnAddressOn() {
    contacts.user(new Contact("ada", "ada@shop.example", null, "de", List.of()));

    fallback.after(failed(Channel.PUSH, "ada"), List.of(Channel.PUSH, Channel.SMS, Channel.EMAIL));

    assertThat(notifications.added)
        .extracting(
            a -> a.delivery().channel(), a -> a.delivery().address(), a -> a.delivery().locale())
        .containsExactly(tuple(Channel.EMAIL, "ada@shop.example", "de"));
  }

  @Test
  void aFallbackToPushGoesToEveryActiveDevice() {
    contacts.user(
        new Contact(
            "ada",
            null,
            null,
            null,
            List.of(new Contact.Device("ios", "t-1"), new Contact.Device("android", "t-2"))));

    fallback.after(failed(Channel.SMS, "ada"), List.of(Channel.PUSH));

    assertThat(notifications.added)
        .extracting(a -> a.delivery().platform(), a -> a.delivery().address())
        .containsExactly(tuple("ios", "t-1"), tuple("android", "t-2"));
  }

  @Test
  void aUserStillReachableOnTheFailedChannelGetsNoFallback() {
    contacts.user(
        new Contact(
            "ada",
            "ada@shop.example",
            null,
            null,
            List.of(new Contact.Device("ios", "t-1"), new Contact.Device("ios", "t-2"))));
    // another device's delivery of the same notification is still under way
    notifications.channelsInUse("ada", Set.of(Channel.PUSH));

    fallback.after(failed(Channel.PUSH, "ada"), List.of(Channel.EMAIL));

    assertThat(notifications.added).isEmpty();
  }

  @Test
  void aChannelTheUserAlreadyHasALiveDeliveryOnIsPassedOver() {
    contacts.user(new Contact("ada", "ada@shop.example", "+14155552671", null, List.of()));
    notifications.channelsInUse("ada", Set.of(Channel.EMAIL));

    fallback.after(failed(Channel.PUSH, "ada"), List.of(Channel.EMAIL, Channel.SMS));

    assertThat(addedChannels()).containsExactly(Channel.SMS);
  }

  @Test
  void aRawAddressAnUnknownUserOrAnEmptyChainGetNoFallback() {
    contacts.user(new Contact("ada", "ada@shop.example", null, null, List.of()));

    fallback.after(failed(Channel.SMS, null), List.of(Channel.EMAIL));
    fallback.after(failed(Channel.SMS, "ghost"), List.of(Channel.EMAIL));
    fallback.after(failed(Channel.SMS, "ada"), List.of());

    assertThat(notifications.added).isEmpty();
  }
}
