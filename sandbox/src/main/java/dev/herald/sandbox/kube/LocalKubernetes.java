package dev.herald.sandbox.kube;

import dev.herald.sandbox.net.LoopbackPorts;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The sandbox's Kubernetes: fabric8's mock API server in CRUD mode on a free port of 127.0.0.1
 * (plain HTTP), with a {@link KubeApiFront} before it for kubectl and for clients in other
 * processes. The mock's per-request log lines are off unless {@code -Dherald.kube.mock.log=true}.
 *
 * <pre>{@code
 * try (LocalKubernetes kube = LocalKubernetes.start()) {
 *   kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
 *   kube.front().writeKubeconfig(Path.of(".herald/sandbox/kubeconfig"));
 *   kube.client()...   // in this JVM: straight to the mock
 * }
 * }</pre>
 */
public final class LocalKubernetes implements AutoCloseable {
  /**
   * The mock logs every request at INFO through java.util.logging (to stderr); kept here so that
   * the level set in {@link #start(int)} is not lost with a garbage-collected logger.
   */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  private final KubernetesMockServer mock;
  private final KubeApiFront front;
  private final KubernetesClient client;
  private boolean closed;

  private LocalKubernetes(KubernetesMockServer mock, KubeApiFront front, KubernetesClient client) {
    this.mock = mock;
    this.front = front;
    this.client = client;
  }

  /** Starts the mock and the front, each on a free port. */
  public static LocalKubernetes start() {
    return start(0);
  }

  /** Starts the mock on a free port and the front on {@code frontPort} (0 for a free one). */
  public static LocalKubernetes start(int frontPort) {
    if (!Boolean.getBoolean("herald.kube.mock.log")) {
      MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    KubernetesMockServer mock =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<ServerRequest, Queue<ServerResponse>>(),
            new KubernetesCrudDispatcher(),
            false);
    mock.init(LoopbackPorts.LOOPBACK, 0);
    KubeApiFront front = null;
    try {
      front = KubeApiFront.start(URI.create("http://127.0.0.1:" + mock.getPort() + "/"), frontPort);
      KubernetesClient client =
          mock.createClient(b -> b.withHttpClientFactory(new VertxHttpClientFactory()));
      return new LocalKubernetes(mock, front, client);
    } catch (RuntimeException | Error e) {
      if (front != null) {
        front.close();
      }
      mock.destroy();
      throw e;
    }
  }

  /** The mock API server (for expectations beyond CRUD). */
  public KubernetesMockServer mock() {
    return mock;
  }

  /** The mock's own URL ({@code http://127.0.0.1:<port>/}): for clients in this JVM. */
  public String mockUrl() {
    return "http://127.0.0.1:" + mock.getPort() + "/";
  }

  /** The front: its URL and kubeconfig are for kubectl and other processes. */
  public KubeApiFront front() {
    return front;
  }

  /**
   * A client of the mock (straight, not through the front; fabric8's Vert.x HTTP client, namespace
   * {@code test}); closed by {@link #close()}.
   */
  public KubernetesClient client() {
    return client;
  }

  /**
   * A new client that talks to the front, as a client in another process would with the front's
   * kubeconfig (namespace {@code default}). The caller closes it.
   */
  public KubernetesClient newFrontClient() {
    Config config = Config.fromKubeconfig(front.kubeconfig());
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new VertxHttpClientFactory())
        .build();
  }

  /** Creates (or replaces) CRDs in the mock, which then serves their resources and discovery. */
  public void createCrds(Collection<CustomResourceDefinition> crds) {
    for (CustomResourceDefinition crd : crds) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(crd)
          .createOr(c -> c.update());
    }
  }

  /**
   * The CRDs found on the classpath under {@code META-INF/fabric8/} whose file names end with
   * {@code suffix} (e.g. {@code ".herald.dev-v1.yml"}, as fabric8's CRD generator writes them into
   * {@code herald-api}'s jar), in name order.
   */
  public static List<CustomResourceDefinition> crdsOnClasspath(String suffix) {
    ClassLoader loader =
        Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader()
            : LocalKubernetes.class.getClassLoader();
    TreeSet<String> names = new TreeSet<>();
    try {
      Enumeration<URL> dirs = loader.getResources("META-INF/fabric8/");
      while (dirs.hasMoreElements()) {
        URL dir = dirs.nextElement();
        if (dir.getProtocol().equals("jar")) {
          JarURLConnection connection = (JarURLConnection) dir.openConnection();
          connection.setUseCaches(false);
          try (JarFile jar = connection.getJarFile()) {
            jar.stream()
                .map(e -> e.getName())
                .filter(n -> n.startsWith("META-INF/fabric8/") && n.endsWith(suffix))
                .forEach(names::add);
          }
        } else if (dir.getProtocol().equals("file")) {
          try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            files
                .map(p -> "META-INF/fabric8/" + p.getFileName())
                .filter(n -> n.endsWith(suffix))
                .forEach(names::add);
          }
        }
      }
      List<CustomResourceDefinition> crds = new ArrayList<>();
      for (String name : names) {
        try (InputStream in = loader.getResourceAsStream(name)) {
          if (in != null) {
            crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
          }
        }
      }
      return crds;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRDs from the classpath", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the front, the client and the mock. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      front.close();
    } finally {
      try {
        client.close();
      } finally {
        mock.destroy();
      }
    }
  }
}
