package dev.herald.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchedNamespacesTest {
  @Test
  void unsetOrBlankIsEveryNamespace() {
    assertThat(WatchedNamespaces.fromEnv(Map.of()).all()).isTrue();
    assertThat(WatchedNamespaces.fromEnv(Map.of(WatchedNamespaces.VARIABLE, " ")))
        .isEqualTo(WatchedNamespaces.ALL);
    assertThat(WatchedNamespaces.ALL.includes("anything")).isTrue();
  }

  @Test
  void aCommaListNamesTheNamespacesServed() {
    WatchedNamespaces w =
        WatchedNamespaces.fromEnv(Map.of(WatchedNamespaces.VARIABLE, "shop, billing,,shop"));
    assertThat(w.names()).isEqualTo(Set.of("shop", "billing"));
    assertThat(w.all()).isFalse();
    assertThat(w.includes("shop")).isTrue();
    assertThat(w.includes("elsewhere")).isFalse();
  }

  @Test
  void aNameThatIsNoNamespaceIsRefusedByName() {
    assertThatThrownBy(
            () -> WatchedNamespaces.fromEnv(Map.of(WatchedNamespaces.VARIABLE, "shop,Billing")))
        .hasMessageContaining("HERALD_WATCH_NAMESPACES")
        .hasMessageContaining("Billing");
  }
}
