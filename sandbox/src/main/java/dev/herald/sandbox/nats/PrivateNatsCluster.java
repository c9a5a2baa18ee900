package dev.herald.sandbox.nats;

import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.process.Polling;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.StopSignal;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JetStream cluster of private nats-server processes on loopback: each node its own store, a
 * fixed client and route port, routes to all. A node killed and started again keeps its ports and
 * store, so it rejoins and catches up.
 */
public final class PrivateNatsCluster implements AutoCloseable {
  /** The cluster's name in every node's {@code --cluster_name}. */
  public static final String NAME = "herald";

  private final Path dir;
  private final int[] ports;
  private final int[] routePorts;
  private final PrivateNats[] nodes;

  private PrivateNatsCluster(Path dir, int size) {
    this.dir = dir;
    this.ports = new int[size];
    this.routePorts = new int[size];
    this.nodes = new PrivateNats[size];
    for (int i = 0; i < size; i++) {
      ports[i] = LoopbackPorts.free();
      routePorts[i] = LoopbackPorts.free();
    }
  }

  /** Starts {@code size} nodes and waits until JetStream answers (a meta leader was elected). */
  public static PrivateNatsCluster start(Path dir, int size) {
    PrivateNatsCluster cluster = new PrivateNatsCluster(dir, size);
    try {
      for (int i = 0; i < size; i++) {
        cluster.startNode(i);
      }
      cluster.awaitJetStream(Duration.ofSeconds(30));
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Every node's client URL, comma-separated, as clients take them. */
  public String url() {
    List<String> urls = new ArrayList<>();
    for (int port : ports) {
      urls.add("nats://127.0.0.1:" + port);
    }
    return String.join(",", urls);
  }

  /** The name of node {@code i} ({@code n1}, {@code n2}, …), as JetStream reports leaders. */
  public static String nodeName(int i) {
    return "n" + (i + 1);
  }

  public int size() {
    return nodes.length;
  }

  /** The node that leads {@code stream} now, if one does. */
  public Optional<Integer> leaderOf(String stream) {
    try (Connection c = connect()) {
      String leader = c.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader();
      for (int i = 0; i < nodes.length; i++) {
        if (nodeName(i).equals(leader)) {
          return Optional.of(i);
        }
      }
      return Optional.empty();
    } catch (IOException | JetStreamApiException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** SIGKILLs node {@code i}: nothing is flushed. */
  public void kill(int i) {
    PrivateNats node = nodes[i];
    ProcessHygiene.signal(node.pid(), StopSignal.KILL);
    ProcessHandle.of(node.pid()).ifPresent(h -> h.onExit().join());
    node.close();
    nodes[i] = null;
  }

  /** Starts node {@code i} on its ports and store. */
  public void startNode(int i) {
    List<Integer> routes = new ArrayList<>();
    for (int p : routePorts) {
      routes.add(p);
    }
    nodes[i] =
        PrivateNats.startClusterNode(
            dir.resolve(nodeName(i)), nodeName(i), NAME, ports[i], routePorts[i], routes);
  }

  private void awaitJetStream(Duration atMost) {
    Exception[] last = {null};
    boolean formed =
        Polling.until(
            () -> {
              try (Connection c = connect()) {
                c.jetStreamManagement().getAccountStatistics();
                return true;
              } catch (IOException | JetStreamApiException e) {
                last[0] = e;
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            },
            atMost,
            Duration.ofMillis(250));
    if (!formed) {
      throw new IllegalStateException(
          "the JetStream cluster did not form within " + atMost + ": " + last[0]);
    }
  }

  private Connection connect() throws IOException, InterruptedException {
    return Nats.connect(
        new Options.Builder()
            .server(url())
            .connectionTimeout(Duration.ofSeconds(2))
            .maxReconnects(0)
            .build());
  }

  @Override
  public void close() {
    for (PrivateNats node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }
}
