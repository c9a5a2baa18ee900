package dev.herald.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.Recipient;
import dev.herald.core.store.Addresses;
import dev.herald.core.store.Contact;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.PhoneNumbers;
import dev.herald.core.store.Preference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Fan-out of a notification's recipients into deliveries, against a contact store in memory: what
 * is written pending (to be sent), and what is written suppressed or failed, and why.
 */
class RecipientResolverTest {
  private static final String SHOP = "shop";
  private static final List<Channel> ALL = List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH);

  private final InMemoryContacts contacts = new InMemoryContacts();
  private final RecipientResolver resolver = new RecipientResolver(contacts, contacts);

  private static Recipient phone(String number) {
    Recipient r = new Recipient();
    r.setPhone(number);
    return r;
  }

  private List<NewDelivery> resolve(List<Recipient> recipients, List<Channel> channels) {
    return resolver.resolve(SHOP, recipients, channels);
  }

  @Test
  void aUserGetsOneDeliveryPerAddressAndOnePushPerDevice() {
    contacts.user(
        "ada",
        "ada@Example.COM",
        "+491701234567",
        "de",
        new Contact.Device("ios", "tok-ios"),
        new Contact.Device("android", "tok-android"));

    assertThat(resolve(List.of(Recipient.user("ada")), ALL))
        .extracting(
            NewDelivery::channel,
            NewDelivery::platform,
            NewDelivery::address,
            NewDelivery::locale,
            NewDelivery::state)
        .containsExactly(
            tuple(Channel.EMAIL, null, "ada@example.com", "de", DeliveryState.PENDING),
            tuple(Channel.SMS, null, "+491701234567", "de", DeliveryState.PENDING),
            tuple(Channel.PUSH, "ios", "tok-ios", "de", DeliveryState.PENDING),
            tuple(Channel.PUSH, "android", "tok-android", "de", DeliveryState.PENDING));
  }

  @Test
  void anUnknownUserFailsOnEveryChannelSoThatStatusCountsThem() {
    assertThat(resolve(List.of(Recipient.user("ghost")), List.of(Channel.EMAIL, Channel.SMS)))
        .extracting(
            NewDelivery::userId,
            NewDelivery::channel,
            NewDelivery::state,
            NewDelivery::failureReason)
        .containsExactly(
            tuple("ghost", Channel.EMAIL, DeliveryState.FAILED, RecipientResolver.UNKNOWN_USER),
            tuple("ghost", Channel.SMS, DeliveryState.FAILED, RecipientResolver.UNKNOWN_USER));
  }

  @Test
  void aUserWithoutAnAddressOnTheChannelIsSuppressedAndSentOnTheFirstFallbackTheyCanBeReachedOn() {
    contacts.user("bob", "bob@shop.example", null, null);

    List<NewDelivery> deliveries =
        resolver.resolve(
            SHOP,
            List.of(Recipient.user("bob")),
            List.of(Channel.SMS),
            List.of(Channel.PUSH, Channel.EMAIL),
            "transactional",
            false);

    assertThat(deliveries)
        .extracting(
            NewDelivery::channel,
            NewDelivery::address,
            NewDelivery::state,
            NewDelivery::failureReason)
        .containsExactly(
            tuple(Channel.SMS, "", DeliveryState.SUPPRESSED, Contact.NO_ADDRESS),
            tuple(Channel.EMAIL, "bob@shop.example", DeliveryState.PENDING, null));
  }

  @Test
  void aUserReachableOnTheChannelIsNotSentTheFallbackToo() {
    contacts.user("cy", "cy@shop.example", "+14155552671", null);

    assertThat(
            resolver.resolve(
                SHOP,
                List.of(Recipient.user("cy")),
                List.of(Channel.SMS),
                List.of(Channel.EMAIL),
                "transactional",
                false))
        .extracting(NewDelivery::channel)
        .containsExactly(Channel.SMS);
  }

  @Test
  void anOptOutOfTheCategorySuppressesTheDeliveryUnlessTheTemplateIsCritical() {
    contacts
        .user("dee", "dee@shop.example", "+14155552671", null)
        .prefer("dee", new Preference("email", "marketing", false));
    List<Recipient> dee = List.of(Recipient.user("dee"));
    List<Channel> both = List.of(Channel.EMAIL, Channel.SMS);

    assertThat(resolver.resolve(SHOP, dee, both, List.of(), "marketing", false))
        .extracting(NewDelivery::channel, NewDelivery::state, NewDelivery::failureReason)
        .containsExactly(
            tuple(Channel.EMAIL, DeliveryState.SUPPRESSED, DeliveryReasons.OPTED_OUT),
            tuple(Channel.SMS, DeliveryState.PENDING, null));
    assertThat(resolver.resolve(SHOP, dee, both, List.of(), "marketing", true))
        .as("critical")
        .extracting(NewDelivery::state)
        .containsOnly(DeliveryState.PENDING);
    assertThat(resolver.resolve(SHOP, dee, both, List.of(), "transactional", false))
        .as("another category")
        .extracting(NewDelivery::state)
        .containsOnly(DeliveryState.PENDING);
  }

  @Test
  void aSuppressedAddressIsWrittenSuppressedWithTheStoresReasonEvenWhenCritical() {
    contacts.suppress(Channel.EMAIL, "gone@shop.example", "bounced");

    List<NewDelivery> deliveries =
        resolver.resolve(
            SHOP,
            List.of(Recipient.email("gone@SHOP.example"), Recipient.email("here@shop.example")),
            List.of(Channel.EMAIL),
            List.of(),
            "transactional",
            true);

    assertThat(deliveries)
        .extracting(NewDelivery::address, NewDelivery::state, NewDelivery::failureReason)
        .containsExactly(
            tuple("gone@shop.example", DeliveryState.SUPPRESSED, "bounced"),
            tuple("here@shop.example", DeliveryState.PENDING, null));
  }

  @Test
  void aPhoneNumberThatIsNotValidFailsAtOnceAndAValidOneIsWrittenInE164() {
    contacts.user("eve", null, "+49 170 1234567", null);

    assertThat(resolve(List.of(phone("+9991234567"), Recipient.user("eve")), List.of(Channel.SMS)))
        .extracting(NewDelivery::address, NewDelivery::state, NewDelivery::failureReason)
        .containsExactly(
            tuple("+9991234567", DeliveryState.FAILED, DeliveryReasons.INVALID_ADDRESS),
            tuple("+491701234567", DeliveryState.PENDING, null));
  }

  @Test
  void aRawAddressIsSentOnItsOwnChannelOnly() {
    assertThat(
            resolve(
                List.of(Recipient.email("ann@shop.example"), phone("+14155552671")),
                List.of(Channel.PUSH)))
        .isEmpty();
  }

  @Test
  void theSameUserOrAddressNamedTwiceIsSentOnce() {
    contacts.user("fay", "fay@shop.example", null, null);

    assertThat(
            resolve(
                List.of(
                    Recipient.user("fay"),
                    Recipient.email("ann@shop.example"),
                    Recipient.user("fay"),
                    Recipient.email("ann@SHOP.EXAMPLE")),
                List.of(Channel.EMAIL)))
        .extracting(NewDelivery::userId, NewDelivery::address)
        .containsExactly(tuple("fay", "fay@shop.example"), tuple(null, "ann@shop.example"));
  }

  // Generated: any mix of known and unknown users, raw addresses and repeats.

  /**
   * A contact store, recipients drawn from it (and beyond it), and how the notification is sent.
   */
  record Scenario(
      List<Contact> users,
      List<Recipient> recipients,
      List<Channel> channels,
      Map<String, List<Preference>> preferences,
      Set<String> suppressed,
      String category,
      boolean critical) {

    InMemoryContacts store() {
      InMemoryContacts store = new InMemoryContacts();
      users.forEach(
          u ->
              store.user(
                  u.userId(),
                  u.email(),
                  u.phone(),
                  u.locale(),
                  u.devices().toArray(Contact.Device[]::new)));
      preferences.forEach((id, p) -> store.prefer(id, p.toArray(Preference[]::new)));
      for (String address : suppressed) {
        ALL.forEach(c -> store.suppress(c, address, "complained"));
      }
      return store;
    }

    Contact user(String id) {
      return users.stream().filter(u -> u.userId().equals(id)).findFirst().orElse(null);
    }
  }

  /**
   * What identifies a delivery: one recipient (user, or none for a raw address) × channel ×
   * address.
   */
  record Key(String userId, Channel channel, String address) {
    static Key of(NewDelivery d) {
      return new Key(d.userId(), d.channel(), d.address());
    }
  }

  private static final List<String> EMAILS =
      List.of("ann@shop.example", "ann@SHOP.example", "u1@shop.example", "bo@mail.example");
  private static final List<String> PHONES =
      List.of("+14155552671", "+491701234567", "+4915112345678", "+9991234567");
  private static final List<String> CATEGORIES = List.of("transactional", "marketing");

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<List<Contact>> users =
        Arbitraries.integers()
            .between(0, 5)
            .flatMap(
                n -> {
                  if (n == 0) {
                    return Arbitraries.just(List.<Contact>of());
                  }
                  List<Arbitrary<Contact>> each = new ArrayList<>();
                  for (int i = 0; i < n; i++) {
                    String id = "u" + i;
                    each.add(
                        Combinators.combine(
                                Arbitraries.of(EMAILS).injectNull(0.3),
                                Arbitraries.of(PHONES).injectNull(0.3),
                                Arbitraries.of("en", "de-AT").injectNull(0.3),
                                Arbitraries.integers().between(0, 2))
                            .as(
                                (email, phone, locale, devices) ->
                                    new Contact(
                                        id,
                                        email,
                                        phone,
                                        locale,
                                        java.util.stream.IntStream.range(0, devices)
                                            .mapToObj(
                                                d ->
                                                    new Contact.Device(
                                                        d == 0 ? "ios" : "android",
                                                        id + "-device-" + d))
                                            .toList())));
                  }
                  return Combinators.combine(each).as(List::copyOf);
                });
    Arbitrary<Recipient> recipient =
        Arbitraries.oneOf(
            Arbitraries.of("u0", "u1", "u2", "u3", "u4", "ghost", "nobody").map(Recipient::user),
            Arbitraries.of(EMAILS).map(Recipient::email),
            Arbitraries.of(PHONES).map(RecipientResolverTest::phone));
    Arbitrary<Preference> preference =
        Combinators.combine(
                Arbitraries.of("email", "sms", "push", Preference.ANY),
                Arbitraries.of("transactional", "marketing", Preference.ANY),
                Arbitraries.of(true, false))
            .as(Preference::new);
    Arbitrary<Map<String, List<Preference>>> preferences =
        Arbitraries.maps(Arbitraries.of("u0", "u1", "u2", "u3"), preference.list().ofMaxSize(3))
            .ofMaxSize(4);
    Arbitrary<Set<String>> suppressed =
        Arbitraries.of(
                "ann@shop.example",
                "u1@shop.example",
                "+491701234567",
                "u0-device-0",
                "u2-device-1")
            .set()
            .ofMaxSize(3);
    return Combinators.combine(
            users,
            recipient.list().ofMaxSize(12),
            Arbitraries.of(ALL)
                .set()
                .ofMinSize(1)
                .map(s -> ALL.stream().filter(s::contains).toList()),
            preferences,
            suppressed,
            Arbitraries.of(CATEGORIES),
            Arbitraries.of(true, false))
        .as(Scenario::new);
  }

  private static List<NewDelivery> resolve(Scenario s) {
    InMemoryContacts store = s.store();
    return new RecipientResolver(store, store)
        .resolve(SHOP, s.recipients(), s.channels(), List.of(), s.category(), s.critical());
  }

  private static String e164OrAsWritten(String phone) {
    return Objects.requireNonNullElse(PhoneNumbers.e164(phone), phone);
  }

  @Property(tries = 200, seed = "20261203")
  void everyDistinctRecipientChannelAndAddressGetsExactlyOneDelivery(
      @ForAll("scenarios") Scenario s) {
    Set<Key> expected = new LinkedHashSet<>();
    for (Recipient r : s.recipients()) {
      if (r.getUser() != null) {
        Contact c = s.user(r.getUser());
        for (Channel channel : s.channels()) {
          if (c == null || !c.hasAddress(channel)) {
            expected.add(new Key(r.getUser(), channel, ""));
          } else {
            switch (channel) {
              case EMAIL ->
                  expected.add(new Key(c.userId(), channel, Addresses.normaliseEmail(c.email())));
              case SMS -> expected.add(new Key(c.userId(), channel, e164OrAsWritten(c.phone())));
              case PUSH ->
                  c.devices().forEach(d -> expected.add(new Key(c.userId(), channel, d.token())));
            }
          }
        }
      } else if (r.getEmail() != null && s.channels().contains(Channel.EMAIL)) {
        expected.add(new Key(null, Channel.EMAIL, Addresses.normaliseEmail(r.getEmail())));
      } else if (r.getPhone() != null && s.channels().contains(Channel.SMS)) {
        expected.add(new Key(null, Channel.SMS, e164OrAsWritten(r.getPhone())));
      }
    }

    List<NewDelivery> deliveries = resolve(s);

    assertThat(deliveries.stream().map(Key::of).toList())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Property(tries = 200, seed = "20261204")
  void anOptedOutUserIsNeverSentUnlessTheTemplateIsCriticalAndNoSuppressedAddressIsEverSent(
      @ForAll("scenarios") Scenario s) {
    Set<String> unknownOrUnreachable = new HashSet<>();
    for (NewDelivery d : resolve(s)) {
      Contact user = d.userId() == null ? null : s.user(d.userId());
      boolean optedOut =
          user != null
              && ContactStore.optedOut(
                  s.preferences().getOrDefault(d.userId(), List.of()), d.channel(), s.category());
      if (d.state() == DeliveryState.PENDING) {
        assertThat(s.suppressed())
            .as("sent to a suppressed address: %s", d)
            .doesNotContain(d.address());
        assertThat(optedOut && !s.critical()).as("sent despite an opt-out: %s", d).isFalse();
      } else if (optedOut
          && !s.critical()
          && !d.address().isEmpty()
          && !DeliveryReasons.INVALID_ADDRESS.equals(d.failureReason())) {
        assertThat(d.failureReason()).as("%s", d).isEqualTo(DeliveryReasons.OPTED_OUT);
      } else {
        unknownOrUnreachable.add(d.failureReason());
      }
    }
    assertThat(unknownOrUnreachable)
        .isSubsetOf(
            RecipientResolver.UNKNOWN_USER,
            Contact.NO_ADDRESS,
            DeliveryReasons.INVALID_ADDRESS,
            "complained");
  }
}
