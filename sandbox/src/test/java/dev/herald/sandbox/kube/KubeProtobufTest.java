package dev.herald.sandbox.kube;

import static dev.herald.sandbox.kube.SimpleJsonPathTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KubeProtobufTest {
  @Test
  void readsTheConfigMapKubectlCreateSends() throws Exception {
    // what `kubectl create configmap cfg2 --from-literal=a=1` (1.32) sent
    byte[] body =
        HexFormat.of()
            .parseHex(
                "6b3873000a0f0a0276311209436f6e6669674d6170121e0a140a04"
                    + "6366673212001a0022002a00320038004200120"
                    + "60a01611201311a002200");
    assertThat(KubeProtobuf.toJson(body))
        .isEqualTo(
            read(
                """
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg2"}, "data": {"a": "1"}}
        """));
  }

  @Test
  void refusesWhatItCannotRead() {
    assertThatThrownBy(() -> KubeProtobuf.toJson("{}".getBytes()))
        .isInstanceOf(KubeProtobuf.UnsupportedKindException.class);
    byte[] deployment =
        HexFormat.of()
            .parseHex("6b3873000a110a0761707073" + "2f76311206" + "4465706c6f79" + "1200");
    assertThatThrownBy(() -> KubeProtobuf.toJson(deployment))
        .isInstanceOf(KubeProtobuf.UnsupportedKindException.class);
  }
}
