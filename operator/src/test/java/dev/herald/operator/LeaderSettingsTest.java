package dev.herald.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderSettingsTest {
  @Test
  void inAPodItElectsOnALeaseInItsOwnNamespaceNamedByThePod() {
    LeaderSettings s =
        LeaderSettings.fromEnv(Map.of("POD_NAMESPACE", "herald", "POD_NAME", "herald-op-7d9f"));
    assertThat(s.enabled()).isTrue();
    assertThat(s.leaseNamespace()).isEqualTo("herald");
    assertThat(s.identity()).isEqualTo("herald-op-7d9f");
    assertThat(s.leaseName()).isEqualTo(LeaderSettings.DEFAULT_LEASE);
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void outsideAPodThereIsNoElection() {
    assertThat(LeaderSettings.fromEnv(Map.of()).enabled()).isFalse();
  }

  @Test
  void badSettingsNameTheVariable() {
    assertThatThrownBy(() -> LeaderSettings.fromEnv(Map.of("HERALD_LEADER_ELECTION", "true")))
        .hasMessageContaining("POD_NAMESPACE");
    assertThatThrownBy(
            () ->
                LeaderSettings.fromEnv(
                    Map.of("POD_NAMESPACE", "h", "HERALD_LEADER_ELECTION", "yes")))
        .hasMessageContaining("HERALD_LEADER_ELECTION");
    assertThatThrownBy(
            () ->
                LeaderSettings.fromEnv(
                    Map.of(
                        "POD_NAMESPACE", "h",
                        "HERALD_LEADER_LEASE_SECONDS", "10",
                        "HERALD_LEADER_RENEW_SECONDS", "10")))
        .hasMessageContaining("HERALD_LEADER_RENEW_SECONDS");
    assertThatThrownBy(
            () ->
                LeaderSettings.fromEnv(
                    Map.of(
                        "POD_NAMESPACE", "h",
                        "HERALD_LEADER_RENEW_SECONDS", "4",
                        "HERALD_LEADER_RETRY_SECONDS", "2")))
        .hasMessageContaining("2.2");
  }
}
