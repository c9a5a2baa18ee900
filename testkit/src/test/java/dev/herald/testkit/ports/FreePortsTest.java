package dev.herald.testkit.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void findsDistinctPortsThatCanBeBound() throws Exception {
    List<Integer> ports = FreePorts.find(5);
    assertThat(new HashSet<>(ports)).hasSize(5);
    for (int port : ports) {
      assertThat(port).isBetween(1, 65535);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(FreePorts.LOOPBACK, port));
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void reportsAPortInUseAsNotFree() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(FreePorts.LOOPBACK, 0));
      assertThat(FreePorts.isFree(socket.getLocalPort())).isFalse();
    }
    assertThat(FreePorts.isFree(FreePorts.find())).isTrue();
  }

  @Test
  void rejectsANonPositiveCount() {
    assertThatThrownBy(() -> FreePorts.find(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loopbackIsIpv4() {
    assertThat(FreePorts.LOOPBACK.getHostAddress()).isEqualTo("127.0.0.1");
  }
}
