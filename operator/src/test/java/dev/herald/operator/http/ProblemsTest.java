package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an internal error's log line may show of the request path. */
class ProblemsTest {
  @Test
  void aLoggedPathKeepsItsCollectionAndHidesAddressesIdsAndTokens() {
    assertThat(Problems.pathShape("/v1/suppressions/email/ada@example.com"))
        .isEqualTo("/v1/suppressions/*/*");
    assertThat(Problems.pathShape("/v1/unsubscribe/eyJ0b2tlbiI6InNlY3JldCJ9"))
        .isEqualTo("/v1/unsubscribe/*");
    assertThat(Problems.pathShape("/v1/users/u-42/devices")).isEqualTo("/v1/users/*/*");
    assertThat(Problems.pathShape("/v1/notifications")).isEqualTo("/v1/notifications");
    assertThat(Problems.pathShape("/readyz")).isEqualTo("/readyz");
    assertThat(Problems.pathShape("/")).isEqualTo("/");
  }
}
