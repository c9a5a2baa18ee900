package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The most specific preference decides; none means opted in. */
class PreferenceTest {
  @Test
  void noPreferenceMeansOptedIn() {
    assertThat(ContactStore.optedOut(List.of(), Channel.EMAIL, "marketing")).isFalse();
  }

  @Test
  void channelAndCategoryOptOutAffectsOnlyThat() {
    List<Preference> p = List.of(new Preference("email", "marketing", false));
    assertThat(ContactStore.optedOut(p, Channel.EMAIL, "marketing")).isTrue();
    assertThat(ContactStore.optedOut(p, Channel.SMS, "marketing")).isFalse();
    assertThat(ContactStore.optedOut(p, Channel.EMAIL, "orders")).isFalse();
  }

  @Test
  void globalOptOutYieldsToASpecificOptIn() {
    List<Preference> p =
        List.of(new Preference("*", "*", false), new Preference("sms", "orders", true));
    assertThat(ContactStore.optedOut(p, Channel.SMS, "orders")).isFalse();
    assertThat(ContactStore.optedOut(p, Channel.EMAIL, "orders")).isTrue();
    assertThat(ContactStore.optedOut(p, Channel.PUSH, "marketing")).isTrue();
  }

  @Test
  void categoryOnAnyChannelBeatsChannelOnAnyCategory() {
    List<Preference> p =
        List.of(new Preference("*", "marketing", false), new Preference("email", "*", true));
    assertThat(ContactStore.optedOut(p, Channel.EMAIL, "marketing")).isTrue();
    assertThat(ContactStore.optedOut(p, Channel.EMAIL, "orders")).isFalse();
  }
}
