package dev.herald.testkit.kube;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.testkit.ports.FreePorts;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock Kubernetes API server in CRUD mode, on 127.0.0.1, with Herald's CRDs already
 * created in it, so that the status subresource and {@code /apis/herald.dev/v1alpha1} discovery
 * work as on a real cluster.
 *
 * <p>The mock stores what it is given: it enforces no CRD schema, and it answers server-side apply
 * with 415 (run java-operator-sdk with {@code withUseSSAToPatchPrimaryResource(false)}). JSON patch
 * and JSON merge patch work, and watches are served over WebSocket.
 *
 * <p>Every client made here uses fabric8's Vert.x HTTP client ({@link #httpClientFactory()}) by
 * name, so the choice does not depend on which factories the classpath holds.
 *
 * <pre>{@code
 * try (MockKube kube = MockKube.start()) {
 *   kube.client().resource(notification).create();
 * }
 * }</pre>
 */
public final class MockKube implements AutoCloseable {
  /** The CRDs created at start, as their custom resource classes. */
  public static final List<Class<? extends CustomResource<?, ?>>> HERALD_RESOURCES =
      List.of(
          Notification.class, NotificationTemplate.class, DeliveryProvider.class, Campaign.class);

  /** The namespace the clients default to. */
  public static final String DEFAULT_NAMESPACE = "test";

  /**
   * fabric8's mock server logs every request at INFO through java.util.logging, thousands of lines
   * for an operator test; it is kept at WARNING unless {@code -Dherald.mockkube.verbose=true}. (A
   * static reference: java.util.logging holds loggers weakly and would forget the level.)
   */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());

  static {
    if (!Boolean.getBoolean("herald.mockkube.verbose")) {
      MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }
  }

  private static final String CONTEXT = "herald-mock";

  /** The mock accepts any credentials; clients send this bearer token. */
  private static final String TOKEN = "secret";

  private final KubernetesMockServer server;
  private final boolean https;
  private final KubernetesClient client;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private MockKube(KubernetesMockServer server, boolean https) {
    this.server = server;
    this.https = https;
    this.client = newClient();
  }

  /** Starts a mock API on a free port, over HTTPS (a self-signed certificate the clients trust). */
  public static MockKube start() {
    return start(0, true);
  }

  /** Starts a mock API on {@code port} of 127.0.0.1 (0 for a free one), over HTTPS. */
  public static MockKube start(int port) {
    return start(port, true);
  }

  /**
   * Starts a mock API on {@code port} of 127.0.0.1 (0 for a free one), over HTTPS or plain HTTP,
   * and creates Herald's CRDs in it.
   */
  public static MockKube start(int port, boolean https) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a port: " + port);
    }
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            https);
    server.init(FreePorts.LOOPBACK, port);
    MockKube kube = null;
    try {
      kube = new MockKube(server, https);
      kube.createHeraldCrds();
      return kube;
    } catch (RuntimeException | Error e) {
      if (kube != null) {
        kube.close();
      } else {
        server.destroy();
      }
      throw e;
    }
  }

  /**
   * The HTTP client factory every client here uses: fabric8's Vert.x client. Give it to any other
   * client meant for the mock (e.g. the operator's) so that it does not pick one at random when
   * both the Vert.x and the JDK factory are on the classpath.
   */
  public static HttpClient.Factory httpClientFactory() {
    return new VertxHttpClientFactory();
  }

  /** The client shared by everyone using this mock; closed by {@link #close()}. */
  public KubernetesClient client() {
    return client;
  }

  /** A new client of its own (own connection pool and watches); closed by {@link #close()} too. */
  public KubernetesClient newClient() {
    KubernetesClient c =
        new KubernetesClientBuilder()
            .withConfig(config())
            .withHttpClientFactory(httpClientFactory())
            .build();
    synchronized (clients) {
      if (closed.get()) {
        c.close();
        throw new IllegalStateException("MockKube is closed");
      }
      clients.add(c);
    }
    return c;
  }

  /**
   * A configuration for a client of this mock: its URL, namespace {@value #DEFAULT_NAMESPACE}, a
   * token, any certificate trusted, no HTTP/2. A fresh copy each call.
   */
  public Config config() {
    NamedContext context =
        new NamedContextBuilder()
            .withName(CONTEXT)
            .withNewContext()
            .withCluster(CONTEXT)
            .withUser(CONTEXT)
            .withNamespace(DEFAULT_NAMESPACE)
            .endContext()
            .build();
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withTrustCerts(true)
        .withDisableHostnameVerification(true)
        .withTlsVersions(TlsVersion.TLS_1_2)
        .withHttp2Disable(true)
        .withNamespace(DEFAULT_NAMESPACE)
        .withOauthToken(TOKEN)
        .addToContexts(context)
        .withCurrentContext(context)
        .build();
  }

  /**
   * The API server's URL, e.g. {@code https://127.0.0.1:40123/}: always the address, never {@code
   * localhost}, which may resolve to an IPv6 address the server does not listen on.
   */
  public String url() {
    return (https ? "https" : "http") + "://127.0.0.1:" + server.getPort() + "/";
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  /** Whether it serves HTTPS. */
  public boolean https() {
    return https;
  }

  /** The underlying fabric8 server, for expectations beyond CRUD ({@code server().expect()}). */
  public KubernetesMockServer server() {
    return server;
  }

  /**
   * Writes a kubeconfig for this mock to {@code file} (context {@code herald-mock}, namespace
   * {@value #DEFAULT_NAMESPACE}, TLS verification off), for kubectl and other tools.
   */
  public Path writeKubeconfig(Path file) {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
            insecure-skip-tls-verify: true
        users:
        - name: %1$s
          user:
            token: %3$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: %4$s
        current-context: %1$s
        """
            .formatted(CONTEXT, url().replaceAll("/$", ""), TOKEN, DEFAULT_NAMESPACE);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Closes every client made here and stops the server. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<KubernetesClient> toClose;
    synchronized (clients) {
      toClose = new ArrayList<>(clients);
      clients.clear();
    }
    RuntimeException failure = null;
    for (KubernetesClient c : toClose) {
      try {
        c.close();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    server.destroy();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "MockKube[" + url() + "]";
  }

  private void createHeraldCrds() {
    for (Class<? extends CustomResource<?, ?>> type : HERALD_RESOURCES) {
      client.apiextensions().v1().customResourceDefinitions().resource(loadCrd(type)).create();
    }
  }

  /** Reads the CRD that the api module's build generated for {@code type}. */
  static CustomResourceDefinition loadCrd(Class<? extends CustomResource<?, ?>> type) {
    String resource = "META-INF/fabric8/" + CustomResource.getCRDName(type) + "-v1.yml";
    ClassLoader loader = type.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is not on the classpath; is herald-api built with its CRDs?");
      }
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
