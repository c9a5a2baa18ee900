package dev.herald.testkit.ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds TCP ports that are free on the loopback interface, for processes that must be told a port
 * up front ({@code nats-server -p}, {@code postgres -p}, a mock API on a fixed port).
 *
 * <p>A port found here is only free at the moment it was checked: another process may take it
 * before it is used. Servers that can bind port 0 themselves (everything in this testkit) should do
 * so instead.
 */
public final class FreePorts {
  /** 127.0.0.1, whatever the JVM's IPv4/IPv6 preference. */
  public static final InetAddress LOOPBACK = loopback();

  private FreePorts() {}

  /** One port that is free on 127.0.0.1 now. */
  public static int find() {
    return find(1).get(0);
  }

  /**
   * {@code count} distinct ports that are free on 127.0.0.1 now. All sockets are held open until
   * every port has been found, so the ports differ from one another.
   */
  public static List<Integer> find(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      List<Integer> ports = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
        ports.add(socket.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket that accepted nothing does not fail in practice
        }
      }
    }
  }

  /**
   * Whether a server could listen on {@code port} of 127.0.0.1 now: nothing listens there. Like
   * most servers, the check uses {@code SO_REUSEADDR}, so connections of a server that just
   * stopped, still in TIME_WAIT, do not count.
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("a four-byte address is always valid", e);
    }
  }
}
