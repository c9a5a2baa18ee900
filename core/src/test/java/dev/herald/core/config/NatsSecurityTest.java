package dev.herald.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsSecurityTest {
  @Test
  void noVariablesNoCredentialsNoTls() {
    NatsSecurity none = NatsSecurity.fromEnv(Map.of());
    assertThat(none).isEqualTo(NatsSecurity.NONE);
    assertThat(none.tls()).isFalse();
    assertThat(QueueSettings.fromEnv(Map.of()).security()).isEqualTo(NatsSecurity.NONE);
  }

  @Test
  void readsTheFilesTheVariablesName(@TempDir Path dir) throws Exception {
    Path creds = Files.writeString(dir.resolve("herald.creds"), "x");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
    Path cert = Files.writeString(dir.resolve("tls.crt"), "x");
    Path key = Files.writeString(dir.resolve("tls.key"), "x");
    NatsSecurity s =
        QueueSettings.fromEnv(
                Map.of(
                    "HERALD_NATS_CREDS", creds.toString(),
                    "HERALD_NATS_TLS_CA", ca.toString(),
                    "HERALD_NATS_TLS_CERT", cert.toString(),
                    "HERALD_NATS_TLS_KEY", key.toString()))
            .security();
    assertThat(s).isEqualTo(new NatsSecurity(creds, ca, cert, key));
    assertThat(s.tls()).isTrue();
    assertThat(NatsSecurity.fromEnv(Map.of("HERALD_NATS_TLS_CA", ca.toString())).tls()).isTrue();
    assertThat(NatsSecurity.fromEnv(Map.of("HERALD_NATS_CREDS", creds.toString())).tls()).isFalse();
  }

  @Test
  void aMissingFileOrAHalfKeyPairIsNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () -> NatsSecurity.fromEnv(Map.of("HERALD_NATS_CREDS", dir.resolve("no").toString())))
        .hasMessageContaining("HERALD_NATS_CREDS names no readable file");
    assertThatThrownBy(() -> NatsSecurity.fromEnv(Map.of("HERALD_NATS_TLS_CA", dir.toString())))
        .hasMessageContaining("HERALD_NATS_TLS_CA");
    Path cert = Files.writeString(dir.resolve("tls.crt"), "x");
    assertThatThrownBy(() -> NatsSecurity.fromEnv(Map.of("HERALD_NATS_TLS_CERT", cert.toString())))
        .hasMessageContaining("HERALD_NATS_TLS_CERT and HERALD_NATS_TLS_KEY go together");
  }
}
