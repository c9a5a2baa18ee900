package dev.herald.sandbox.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.sandbox.net.LoopbackPorts;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server on 127.0.0.1 in front of fabric8's mock Kubernetes API server (CRUD mode) that
 * fills in what real {@code kubectl} (1.32) needs and the mock lacks, and passes everything else
 * through:
 *
 * <ul>
 *   <li><b>Discovery</b>: {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code
 *       /apis/<group>}, {@code /apis/<group>/<version>}, built from a fixed list of built-in
 *       resources and from the CRDs stored in the mock (names, short names, categories,
 *       subresources), whatever the query string ({@code ?timeout=32s}).
 *   <li><b>OpenAPI</b>: {@code /openapi/v3} and {@code /openapi/v3/apis/<group>/<version>} built
 *       from the CRDs' schemas ({@link OpenApiV3}), so that {@code kubectl explain
 *       notification.spec} works; an empty {@code /openapi/v2} (protobuf or JSON). kubectl finds no
 *       request bodies and no {@code fieldValidation} parameter in them, so {@code kubectl apply}
 *       sends JSON merge patches and validates nothing on the client: the mock enforces no schema
 *       either.
 *   <li><b>Lists</b> are answered here: their field selector applied ({@link FieldSelector}; the
 *       mock reads only {@code metadata.name} and answers an empty list to anything else, so {@code
 *       kubectl describe} found no Events), their kind that of the resource ({@code EventList}, not
 *       the mock's {@code List}).
 *   <li><b>Tables</b>: {@code GET}s that ask for {@code as=Table} are answered with a {@code
 *       meta.k8s.io/v1 Table}: for a custom resource from the CRD's {@code
 *       additionalPrinterColumns}, so {@code kubectl get notifications} shows Phase, Sent, Failed
 *       and the rest; for Events with kube-apiserver's columns ({@link EventColumns}). Other
 *       built-in kinds get a plain list, which kubectl prints as NAME and AGE.
 *   <li><b>{@code events.k8s.io/v1}</b> is a read-only view of the {@code core/v1} Events ({@link
 *       EventsV1}), as both are one store in kube-apiserver.
 *   <li><b>Watches over plain HTTP</b> ({@code ?watch=true} without a WebSocket upgrade, as kubectl
 *       and client-go send them; the mock serves watches over WebSocket only): relayed from a
 *       WebSocket watch on the mock as a chunked stream of JSON events, filtered by the field
 *       selector, without the events the client already has ({@code resourceVersion}), and with a
 *       DELETED event for each object of the client's list (when the front answered it) that was
 *       deleted before the watch began ({@link RecentLists}), until the client leaves or {@code
 *       timeoutSeconds} passes.
 *   <li><b>Patches</b>: JSON merge patch and strategic merge patch are applied here (see {@link
 *       Patches}) and handed to the mock as the equivalent JSON patch, because the mock rejects
 *       strategic merge patch (415) and gets merge patch wrong on arrays. Server-side apply ({@code
 *       application/apply-patch+yaml}) is answered 415 with a Status saying so: use client-side
 *       {@code kubectl apply}.
 *   <li><b>Dry runs</b> ({@code ?dryRun=All}, e.g. {@code kubectl apply --dry-run=server}) are
 *       answered here from what the mock holds; the mock would have stored them.
 *   <li><b>Request bodies</b>: the mock reads JSON only and leaves a request it cannot parse
 *       unanswered, so bodies are checked here; the protobuf that kubectl's generator commands send
 *       ({@code kubectl create secret generic}, {@code create configmap}, {@code create namespace})
 *       is turned into JSON ({@link KubeProtobuf}), other protobuf is refused with 415 and a hint
 *       to apply a manifest instead. Query parameters of writes ({@code fieldManager}, {@code
 *       fieldValidation}) are not passed on: the mock takes the whole URI for the object's path.
 *   <li>Error responses that the mock sends without a body get a {@code Status} body, so kubectl
 *       prints {@code notifications.herald.dev "x" not found}.
 *   <li>Everything else (GET, POST, PUT, DELETE, the status subresource, and WebSocket upgrades
 *       such as fabric8 clients' watches) is proxied to the mock as it is.
 * </ul>
 *
 * <p>{@link #kubeconfig()} gives a kubeconfig for it (cluster, user and context {@value #CONTEXT},
 * namespace {@code default}).
 */
public final class KubeApiFront implements AutoCloseable {
  /** The name of the cluster, user and context in {@link #kubeconfig()}. */
  public static final String CONTEXT = "herald-sandbox";

  private static final Logger LOG = LoggerFactory.getLogger(KubeApiFront.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_WATCH_TIMEOUT = Duration.ofMinutes(30);
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String APPLICATION_JSON = "application/json";
  private static final String PROTOBUF_OPENAPI_V2 =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "accept-encoding");
  private static final String SSA_UNSUPPORTED =
      "server-side apply is not supported by the Herald "
          + "sandbox's mock API server: use client-side apply (kubectl apply without --server-side)";
  private static final EnumSet<DiffFlags> DIFF_FLAGS =
      EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient upstream;
  private final WebSocketClient upstreamWebSockets;
  private final URI upstreamUrl;
  private final String upstreamHost;
  private final int upstreamPort;
  private final Clock clock;
  private final Discovery discovery;
  private final RecentLists recentLists = new RecentLists();
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KubeApiFront(
      Vertx vertx,
      HttpServer server,
      HttpClient upstream,
      WebSocketClient upstreamWebSockets,
      URI upstreamUrl,
      Clock clock) {
    this.vertx = vertx;
    this.server = server;
    this.upstream = upstream;
    this.upstreamWebSockets = upstreamWebSockets;
    this.upstreamUrl = upstreamUrl;
    this.upstreamHost = upstreamUrl.getHost();
    this.upstreamPort = port(upstreamUrl);
    this.clock = clock;
    this.port = server.actualPort();
    this.discovery = new Discovery("127.0.0.1:" + port);
  }

  /**
   * Starts a front on a free port of 127.0.0.1 for the mock API server at {@code mockUrl} (as
   * {@code KubernetesMockServer.url("/")} gives it; HTTP or HTTPS, whose certificate is not
   * checked).
   */
  public static KubeApiFront start(String mockUrl) {
    return start(URI.create(mockUrl), 0);
  }

  /**
   * Starts a front on {@code port} of 127.0.0.1 (0 for a free one) for the mock at {@code mockUrl}.
   */
  public static KubeApiFront start(URI mockUrl, int port) {
    return start(mockUrl, port, Clock.systemUTC());
  }

  static KubeApiFront start(URI mockUrl, int port, Clock clock) {
    if (mockUrl.getHost() == null) {
      throw new IllegalArgumentException("not an absolute URL: " + mockUrl);
    }
    boolean ssl = "https".equalsIgnoreCase(mockUrl.getScheme());
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                .setPreferNativeTransport(false));
    try {
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost(mockUrl.getHost())
                  .setDefaultPort(port(mockUrl))
                  .setSsl(ssl)
                  .setTrustAll(ssl)
                  .setVerifyHost(false)
                  .setKeepAlive(true)
                  .setDecompressionSupported(false),
              new PoolOptions().setHttp1MaxSize(32));
      WebSocketClient webSockets =
          vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setSsl(ssl)
                  .setTrustAll(ssl)
                  .setVerifyHost(false)
                  .setMaxFrameSize(1024 * 1024)
                  .setMaxMessageSize(64 * 1024 * 1024));
      KubeApiFront[] self = new KubeApiFront[1];
      HttpServer server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setHost(LoopbackPorts.LOOPBACK.getHostAddress())
                      .setPort(port)
                      .setMaxHeaderSize(64 * 1024)
                      .setMaxWebSocketFrameSize(1024 * 1024)
                      .setMaxWebSocketMessageSize(64 * 1024 * 1024))
              .requestHandler(req -> self[0].handle(req));
      server
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      self[0] = new KubeApiFront(vertx, server, client, webSockets, mockUrl, clock);
      LOG.info("Kubernetes API front on {} for the mock API at {}", self[0].url(), mockUrl);
      return self[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while starting the API front", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      vertx.close();
      throw new IllegalStateException("cannot start the API front: " + e.getMessage(), e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, the server URL that clients (kubectl) use. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The mock API server it is in front of. */
  public URI upstream() {
    return upstreamUrl;
  }

  /**
   * A kubeconfig for this front: cluster, user and context {@value #CONTEXT}, namespace {@code
   * default}, no credentials (the mock checks none).
   */
  public String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        preferences: {}
        """
        .formatted(CONTEXT, url());
  }

  /** Writes {@link #kubeconfig()} to {@code file} (mode 0600, parents created) and returns it. */
  public Path writeKubeconfig(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, kubeconfig(), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Stops the server and closes every open watch. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the API front did not close cleanly: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "KubeApiFront[" + url() + " -> " + upstreamUrl + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // routing

  private void handle(HttpServerRequest req) {
    try {
      if (isWebSocketUpgrade(req)) {
        proxyWebSocket(req);
        return;
      }
      req.body()
          .onSuccess(
              body -> {
                try {
                  route(req, body);
                } catch (RuntimeException e) {
                  internalError(req, e);
                }
              })
          .onFailure(e -> internalError(req, e));
    } catch (RuntimeException e) {
      internalError(req, e);
    }
  }

  private void route(HttpServerRequest req, Buffer body) {
    String path =
        req.path().length() > 1 && req.path().endsWith("/")
            ? req.path().substring(0, req.path().length() - 1)
            : req.path();
    HttpMethod method = req.method();
    if (method == HttpMethod.GET) {
      if (serveFixed(req, path)) {
        return;
      }
      List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
      if (path.equals("/apis")) {
        crds()
            .onSuccess(crds -> json(req, 200, discovery.groups(crds)))
            .onFailure(e -> upstreamFailed(req, e));
        return;
      }
      if (segments.size() == 2 && segments.get(0).equals("api")) {
        discoveryDocument(req, "", segments.get(1));
        return;
      }
      if (segments.size() == 2 && segments.get(0).equals("apis")) {
        crds()
            .onSuccess(
                crds ->
                    discovery
                        .group(segments.get(1), crds)
                        .ifPresentOrElse(
                            g -> json(req, 200, g),
                            () ->
                                status(
                                    req,
                                    404,
                                    "NotFound",
                                    "the server could not find the requested resource",
                                    null)))
            .onFailure(e -> upstreamFailed(req, e));
        return;
      }
      if (segments.size() == 3 && segments.get(0).equals("apis")) {
        discoveryDocument(req, segments.get(1), segments.get(2));
        return;
      }
      Optional<ApiPath> api = ApiPath.parse(path);
      if (api.isPresent() && isWatch(req)) {
        watch(req, api.get());
        return;
      }
      if (api.isPresent() && api.get().subresource() == null && api.get().name() == null) {
        list(req, api.get());
        return;
      }
      if (api.isPresent()
          && api.get().subresource() == null
          && (wantsTable(req) || EventsV1.isEventsV1(api.get()))) {
        get(req, api.get());
        return;
      }
    } else {
      Optional<ApiPath> api = ApiPath.parse(path);
      if (api.isPresent() && EventsV1.isEventsV1(api.get())) {
        status(
            req,
            405,
            "MethodNotAllowed",
            "events.k8s.io/v1 is a read-only view of the core/v1 "
                + "Events in the Herald sandbox's mock API server: write Events as apiVersion v1",
            api.get());
        return;
      }
      if (method == HttpMethod.POST || method == HttpMethod.PUT) {
        body = jsonBody(req, body, api.orElse(null));
        if (body == null) {
          return; // answered
        }
      }
      String dryRun = req.getParam("dryRun");
      if (api.isPresent() && dryRun != null && !dryRun.isEmpty()) {
        dryRun(req, api.get(), body);
        return;
      }
      if (method == HttpMethod.PATCH && api.isPresent() && api.get().name() != null) {
        patch(req, api.get(), body);
        return;
      }
    }
    proxy(req, body);
  }

  /**
   * The body of a create or update as JSON, which is all the mock reads (it leaves a request whose
   * body it cannot parse unanswered): protobuf bodies of the kinds kubectl's generator commands
   * send are converted ({@link KubeProtobuf}), anything else that is not JSON is refused here.
   * Returns {@code null} when the request has been answered.
   */
  private static Buffer jsonBody(HttpServerRequest req, Buffer body, ApiPath api) {
    String contentType = mediaType(req.getHeader(HttpHeaders.CONTENT_TYPE));
    if (contentType.equals("application/vnd.kubernetes.protobuf")) {
      try {
        byte[] json = JSON.writeValueAsBytes(KubeProtobuf.toJson(body.getBytes()));
        req.headers().set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        return Buffer.buffer(json);
      } catch (KubeProtobuf.UnsupportedKindException | JsonProcessingException e) {
        status(
            req,
            415,
            "UnsupportedMediaType",
            e.getMessage()
                + "; the sandbox's API accepts "
                + "JSON: create it from a manifest (kubectl create --dry-run=client -o yaml ... | "
                + "kubectl apply -f -)",
            api);
        return null;
      }
    }
    try {
      JsonNode parsed = JSON.readTree(body.getBytes());
      if (parsed == null || !parsed.isObject()) {
        status(req, 400, "BadRequest", "the request body is not a JSON object", api);
        return null;
      }
    } catch (IOException e) {
      status(
          req,
          415,
          "UnsupportedMediaType",
          "the sandbox's API accepts JSON request bodies "
              + "only ("
              + (contentType.isEmpty() ? "no content type" : contentType)
              + "): "
              + e.getMessage(),
          api);
      return null;
    }
    return body;
  }

  /** The documents that do not depend on the mock's content. */
  private boolean serveFixed(HttpServerRequest req, String path) {
    switch (path) {
      case "/version" -> json(req, 200, version());
      case "/healthz", "/livez", "/readyz" ->
          req.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end("ok");
      case "/api" -> json(req, 200, discovery.coreVersions());
      case "/openapi/v2" -> openApiV2(req);
      case "/openapi/v3" ->
          crds()
              .onSuccess(crds -> json(req, 200, OpenApiV3.root(crds)))
              .onFailure(e -> upstreamFailed(req, e));
      default -> {
        if (path.startsWith("/openapi/v3/apis/")) {
          String[] gv = path.substring("/openapi/v3/apis/".length()).split("/");
          if (gv.length == 2) {
            crds()
                .onSuccess(
                    crds ->
                        OpenApiV3.groupVersion(gv[0], gv[1], crds)
                            .ifPresentOrElse(
                                doc -> json(req, 200, doc),
                                () ->
                                    status(
                                        req,
                                        404,
                                        "NotFound",
                                        "the server could not find the requested " + "resource",
                                        null)))
                .onFailure(e -> upstreamFailed(req, e));
            return true;
          }
        }
        if (path.startsWith("/openapi/")) {
          status(req, 404, "NotFound", "the server could not find the requested resource", null);
          return true;
        }
        return false;
      }
    }
    return true;
  }

  private void discoveryDocument(HttpServerRequest req, String group, String version) {
    crds()
        .onSuccess(
            crds ->
                discovery
                    .resources(group, version, crds)
                    .ifPresentOrElse(
                        list -> json(req, 200, list),
                        () ->
                            status(
                                req,
                                404,
                                "NotFound",
                                "the server could not find the requested resource",
                                null)))
        .onFailure(e -> upstreamFailed(req, e));
  }

  private static ObjectNode version() {
    ObjectNode v = JSON.createObjectNode();
    v.put("major", "1");
    v.put("minor", "32");
    v.put("gitVersion", "v1.32.0-herald-sandbox");
    v.put("gitCommit", "0000000000000000000000000000000000000000");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2024-12-11T00:00:00Z");
    v.put("goVersion", "go1.23.0");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  /**
   * An OpenAPI v2 document without definitions: kubectl fetches it as protobuf (gnostic's {@code
   * openapi.v2.Document}) and, finding no schema for a kind, skips client-side validation.
   */
  private static void openApiV2(HttpServerRequest req) {
    String accept = Optional.ofNullable(req.getHeader(HttpHeaders.ACCEPT)).orElse("");
    if (accept.contains("protobuf")) {
      // Document{ swagger(1) = "2.0", info(2) = Info{ title(1), version(2) } }
      byte[] title = "Herald sandbox".getBytes(StandardCharsets.UTF_8);
      byte[] version = "v1.32.0".getBytes(StandardCharsets.UTF_8);
      Buffer info =
          Buffer.buffer()
              .appendByte((byte) 0x0a)
              .appendByte((byte) title.length)
              .appendBytes(title)
              .appendByte((byte) 0x12)
              .appendByte((byte) version.length)
              .appendBytes(version);
      Buffer doc =
          Buffer.buffer()
              .appendByte((byte) 0x0a)
              .appendByte((byte) 3)
              .appendString("2.0")
              .appendByte((byte) 0x12)
              .appendByte((byte) info.length())
              .appendBuffer(info);
      req.response().putHeader(HttpHeaders.CONTENT_TYPE, PROTOBUF_OPENAPI_V2).end(doc);
      return;
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Herald sandbox").put("version", "v1.32.0");
    doc.putObject("paths");
    doc.putObject("definitions");
    json(req, 200, doc);
  }

  // ---------------------------------------------------------------------------------------------
  // reads: lists with field selectors, tables, the events.k8s.io view

  /**
   * A list, answered here rather than by the mock: its field selector applied (the mock reads none
   * but {@code metadata.name}), its kind that of the resource ({@code EventList}, not the mock's
   * {@code List}), as a Table when asked, and remembered for watches from its resourceVersion.
   */
  private void list(HttpServerRequest req, ApiPath api) {
    FieldSelector selector;
    try {
      selector = FieldSelector.parse(req.getParam("fieldSelector"));
    } catch (IllegalArgumentException e) {
      status(req, 400, "BadRequest", e.getMessage(), api);
      return;
    }
    crds()
        .onSuccess(
            crds ->
                selected(api, req.getParam("labelSelector"), selector)
                    .onSuccess(
                        up -> {
                          if (up.list() == null) {
                            respond(req, api, up.upstream());
                            return;
                          }
                          ObjectNode list = up.list();
                          discovery
                              .kind(api.group(), api.version(), api.resource(), crds)
                              .ifPresent(kind -> list.put("kind", kind + "List"));
                          list.put("apiVersion", api.groupVersion());
                          recentLists.remember(
                              collectionKey(req, api),
                              list.path("metadata").path("resourceVersion").asText(""),
                              list.path("items"));
                          Optional<Tables> tables =
                              wantsTable(req) ? tables(api, crds) : Optional.empty();
                          json(
                              req,
                              200,
                              tables
                                  .<JsonNode>map(
                                      t ->
                                          t.table(
                                              list,
                                              Tables.IncludeObject.of(
                                                  req.getParam("includeObject")),
                                              false))
                                  .orElse(list));
                        })
                    .onFailure(e -> upstreamFailed(req, e)))
        .onFailure(e -> upstreamFailed(req, e));
  }

  /** What a list upstream holds, or the upstream's answer when it is not a list. */
  private record Selected(ObjectNode list, Upstream upstream) {}

  /**
   * The items of {@code api}'s collection (events.k8s.io ones in their own form) that match both
   * selectors: the label selector is the mock's to apply, the field selector the front's.
   */
  private Future<Selected> selected(ApiPath api, String labelSelector, FieldSelector fields) {
    ApiPath source = EventsV1.isEventsV1(api) ? EventsV1.corePath(api) : api;
    String uri =
        source.objectPath()
            + (labelSelector == null || labelSelector.isEmpty()
                ? ""
                : "?labelSelector=" + encodeSelector(labelSelector));
    return call(HttpMethod.GET, uri, jsonHeaders(), null)
        .map(
            up -> {
              if (up.status() != 200) {
                return new Selected(null, up);
              }
              JsonNode body;
              try {
                body = JSON.readTree(up.body().getBytes());
              } catch (IOException e) {
                return new Selected(null, up);
              }
              if (body == null || !body.path("items").isArray()) {
                return new Selected(null, up);
              }
              ObjectNode list = JSON.createObjectNode();
              list.put("kind", body.path("kind").asText("List"));
              list.put("apiVersion", api.groupVersion());
              ObjectNode metadata = list.putObject("metadata");
              metadata.put(
                  "resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
              var items = list.putArray("items");
              for (JsonNode item : body.path("items")) {
                JsonNode viewed = view(api, item);
                if (fields.matches(viewed)) {
                  items.add(viewed);
                }
              }
              return new Selected(list, up);
            });
  }

  /** A single object: as a Table when asked, in its events.k8s.io form when named so. */
  private void get(HttpServerRequest req, ApiPath api) {
    ApiPath source = EventsV1.isEventsV1(api) ? EventsV1.corePath(api) : api;
    crds()
        .onSuccess(
            crds ->
                call(HttpMethod.GET, source.objectPath(), jsonHeaders(), null)
                    .onSuccess(
                        up -> {
                          JsonNode object = up.status() == 200 ? readJson(up.body()) : null;
                          if (object == null) {
                            respond(req, api, up);
                            return;
                          }
                          JsonNode viewed = view(api, object);
                          Optional<Tables> tables =
                              wantsTable(req) ? tables(api, crds) : Optional.empty();
                          json(
                              req,
                              200,
                              tables
                                  .<JsonNode>map(
                                      t ->
                                          t.table(
                                              viewed,
                                              Tables.IncludeObject.of(
                                                  req.getParam("includeObject")),
                                              false))
                                  .orElse(viewed));
                        })
                    .onFailure(e -> upstreamFailed(req, e)))
        .onFailure(e -> upstreamFailed(req, e));
  }

  /** The columns of {@code api}'s kind; empty for a kind kubectl prints itself. */
  private Optional<Tables> tables(ApiPath api, List<CrdInfo> crds) {
    if (EventsV1.isEvents(api)) {
      return Optional.of(EventColumns.table(clock));
    }
    return crd(crds, api).map(c -> Tables.forCrd(c.columns(api.version()), clock));
  }

  /** An object the mock holds as the API {@code api} names shows it. */
  private static JsonNode view(ApiPath api, JsonNode object) {
    return EventsV1.isEventsV1(api) ? EventsV1.fromCore(object) : object;
  }

  /** What a list and the watches that follow it have in common: collection and selectors. */
  private static String collectionKey(HttpServerRequest req, ApiPath api) {
    ApiPath collection =
        new ApiPath(api.group(), api.version(), api.namespace(), api.resource(), null, null);
    return collection.objectPath()
        + "?labelSelector="
        + Optional.ofNullable(req.getParam("labelSelector")).orElse("")
        + "&fieldSelector="
        + Optional.ofNullable(req.getParam("fieldSelector")).orElse("");
  }

  private static JsonNode readJson(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : JSON.readTree(body.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static Optional<CrdInfo> crd(List<CrdInfo> crds, ApiPath api) {
    return crds.stream()
        .filter(
            c ->
                c.group().equals(api.group())
                    && c.plural().equals(api.resource())
                    && c.version(api.version()).isPresent())
        .findFirst();
  }

  // ---------------------------------------------------------------------------------------------
  // watches over plain HTTP

  /**
   * What a plain HTTP watch asks for: events after {@code since} (its resourceVersion), each that
   * matches {@code fields}, as Table rows when {@code tables} is set.
   */
  private record WatchRequest(
      ApiPath api,
      long since,
      String sinceText,
      Duration timeout,
      String labelSelector,
      FieldSelector fields,
      Tables tables,
      Tables.IncludeObject include,
      String collectionKey) {}

  private void watch(HttpServerRequest req, ApiPath api) {
    FieldSelector fields;
    try {
      fields = FieldSelector.parse(req.getParam("fieldSelector"));
    } catch (IllegalArgumentException e) {
      status(req, 400, "BadRequest", e.getMessage(), api);
      return;
    }
    Duration timeout =
        Optional.ofNullable(req.getParam("timeoutSeconds"))
            .map(
                s -> {
                  try {
                    return Duration.ofSeconds(Long.parseLong(s));
                  } catch (NumberFormatException e) {
                    return null;
                  }
                })
            .filter(d -> !d.isNegative() && !d.isZero())
            .orElse(DEFAULT_WATCH_TIMEOUT);
    boolean asTable = wantsTable(req);
    String sinceText = Optional.ofNullable(req.getParam("resourceVersion")).orElse("");
    String upstreamUri =
        watchUri(
            EventsV1.isEventsV1(api) ? EventsV1.corePath(api) : api,
            req.getParam("labelSelector"),
            fields);

    HttpServerResponse resp = req.response();
    AtomicBoolean done = new AtomicBoolean();
    Future<List<CrdInfo>> crdsFuture = asTable ? crds() : Future.succeededFuture(List.of());
    crdsFuture
        .compose(
            crds -> {
              WatchRequest watch =
                  new WatchRequest(
                      api,
                      parseResourceVersion(sinceText),
                      sinceText,
                      timeout,
                      req.getParam("labelSelector"),
                      fields,
                      asTable ? tables(api, crds).orElse(null) : null,
                      Tables.IncludeObject.of(req.getParam("includeObject")),
                      collectionKey(req, api));
              WebSocketConnectOptions options =
                  new WebSocketConnectOptions()
                      .setHost(upstreamHost)
                      .setPort(upstreamPort)
                      .setSsl("https".equalsIgnoreCase(upstreamUrl.getScheme()))
                      .setURI(upstreamUri);
              return upstreamWebSockets
                  .connect(options)
                  .map(
                      ws -> {
                        relayWatch(req, ws, watch, done);
                        return ws;
                      });
            })
        .onFailure(
            e -> {
              if (done.get() || resp.headWritten()) {
                return;
              }
              LOG.debug(
                  "WebSocket watch on the mock failed ({}); answering from a list", e.toString());
              watchFromList(req, api, parseResourceVersion(sinceText), fields);
            });
  }

  private void relayWatch(
      HttpServerRequest req, WebSocket ws, WatchRequest watch, AtomicBoolean done) {
    HttpServerResponse resp = req.response();
    boolean[] headersSent = {false};
    long[] timer = {-1};
    Runnable finish =
        () -> {
          if (done.compareAndSet(false, true)) {
            if (timer[0] >= 0) {
              vertx.cancelTimer(timer[0]);
            }
            if (!ws.isClosed()) {
              ws.close();
            }
            if (!resp.ended() && !resp.closed()) {
              resp.end();
            }
          }
        };
    if (resp.closed()) {
      finish.run();
      return;
    }
    resp.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader("Cache-Control", "no-cache, private");
    resp.closeHandler(v -> finish.run());
    resp.exceptionHandler(e -> finish.run());
    ws.closeHandler(v -> finish.run());
    ws.exceptionHandler(e -> finish.run());
    java.util.function.BiConsumer<String, JsonNode> send =
        (type, object) -> {
          JsonNode out = object;
          if (watch.tables() != null && object.isObject() && !type.equals("ERROR")) {
            out = watch.tables().table(object, watch.include(), headersSent[0]);
            headersSent[0] = true;
          }
          ObjectNode event = JSON.createObjectNode();
          event.put("type", type);
          event.set("object", out);
          try {
            resp.write(JSON.writeValueAsString(event) + "\n");
          } catch (JsonProcessingException e) {
            LOG.debug("dropping a watch event: {}", e.toString());
          }
          if (resp.writeQueueFull()) {
            ws.pause();
            resp.drainHandler(v -> ws.resume());
          }
        };
    ws.textMessageHandler(
        message -> {
          if (done.get()) {
            return;
          }
          try {
            JsonNode event = JSON.readTree(message);
            String type = event.path("type").asText();
            JsonNode object = event.path("object");
            if (type.equals("ERROR") || type.equals("BOOKMARK")) {
              send.accept(type, object);
              return;
            }
            if (watch.since() > 0
                && type.equals("ADDED")
                && parseResourceVersion(object.path("metadata").path("resourceVersion").asText())
                    <= watch.since()) {
              return; // the client has it already (it listed at `since`)
            }
            JsonNode viewed = view(watch.api(), object);
            if (watch.fields().matches(viewed)) {
              send.accept(type, viewed);
            }
          } catch (IOException e) {
            LOG.debug("dropping a watch event the mock sent: {}", e.toString());
          }
        });
    timer[0] = vertx.setTimer(watch.timeout().toMillis(), id -> finish.run());
    resp.writeHead();
    replayDeletions(watch, done, send);
  }

  /**
   * The mock replays nothing from a resourceVersion: what was deleted between the client's list at
   * {@code since} (answered here, so remembered) and now is sent as DELETED events, as
   * kube-apiserver would. Without it {@code kubectl delete} waits for good on an object whose
   * finalizer was removed between its list and its watch.
   */
  private void replayDeletions(
      WatchRequest watch,
      AtomicBoolean done,
      java.util.function.BiConsumer<String, JsonNode> send) {
    Optional<List<JsonNode>> listed = recentLists.at(watch.collectionKey(), watch.sinceText());
    if (watch.since() <= 0 || listed.isEmpty() || listed.get().isEmpty()) {
      return;
    }
    ApiPath collection =
        new ApiPath(
            watch.api().group(),
            watch.api().version(),
            watch.api().namespace(),
            watch.api().resource(),
            null,
            null);
    selected(collection, watch.labelSelector(), watch.fields())
        .onSuccess(
            now -> {
              if (now.list() == null || done.get()) {
                return;
              }
              for (JsonNode gone : RecentLists.deleted(listed.get(), now.list().path("items"))) {
                send.accept("DELETED", gone);
              }
            })
        .onFailure(e -> LOG.debug("cannot list for a watch's deletions: {}", e.toString()));
  }

  /** When no WebSocket watch can be opened: the current list as ADDED events, then the end. */
  private void watchFromList(HttpServerRequest req, ApiPath api, long since, FieldSelector fields) {
    selected(api, req.getParam("labelSelector"), fields)
        .onSuccess(
            up -> {
              if (up.list() == null) {
                respond(req, api, up.upstream());
                return;
              }
              try {
                StringBuilder out = new StringBuilder();
                for (JsonNode item : up.list().path("items")) {
                  if (parseResourceVersion(item.path("metadata").path("resourceVersion").asText())
                      > since) {
                    ObjectNode event = JSON.createObjectNode();
                    event.put("type", "ADDED");
                    event.set("object", item);
                    out.append(JSON.writeValueAsString(event)).append('\n');
                  }
                }
                req.response()
                    .setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                    .end(out.toString());
              } catch (IOException e) {
                internalError(req, e);
              }
            })
        .onFailure(e -> upstreamFailed(req, e));
  }

  /**
   * The mock's watch of {@code api}'s collection: the label selector is the mock's to apply; of the
   * field selector it reads only a lone {@code metadata.name=x} (splitting the raw query on '='),
   * so that is all it gets, and the front filters by the rest.
   */
  private static String watchUri(ApiPath api, String labelSelector, FieldSelector fields) {
    StringBuilder uri = new StringBuilder(api.objectPath()).append("?watch=true");
    if (labelSelector != null && !labelSelector.isEmpty()) {
      uri.append("&labelSelector=").append(encodeSelector(labelSelector));
    }
    // the old /namespaces/x/things/name?watch=true form names its one object in the path
    Optional<String> name = api.name() != null ? Optional.of(api.name()) : fields.name();
    name.ifPresent(n -> uri.append("&fieldSelector=metadata.name=").append(encodeSelector(n)));
    return uri.toString();
  }

  private static String encodeSelector(String selector) {
    return URLEncoder.encode(selector, StandardCharsets.UTF_8)
        .replace("%3D", "=")
        .replace("%2C", ",")
        .replace("%21", "!");
  }

  private static long parseResourceVersion(String rv) {
    if (rv == null || rv.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // patches

  private void patch(HttpServerRequest req, ApiPath api, Buffer body) {
    String contentType = mediaType(req.getHeader(HttpHeaders.CONTENT_TYPE));
    if (contentType.startsWith("application/apply-patch")) {
      status(req, 415, "UnsupportedMediaType", SSA_UNSUPPORTED, api);
      return;
    }
    if (!contentType.equals("application/strategic-merge-patch+json")
        && !contentType.equals("application/merge-patch+json")) {
      proxy(req, body); // JSON patch: the mock applies it correctly
      return;
    }
    current(req, api)
        .onSuccess(
            before -> {
              if (before == null) {
                return;
              }
              JsonNode after;
              try {
                after = applyPatch(before, contentType, body);
              } catch (BadPatchException e) {
                status(req, e.code, e.reason, e.getMessage(), api);
                return;
              }
              JsonNode ops = JsonDiff.asJson(before, after, DIFF_FLAGS);
              MultiMap headers =
                  forwardHeaders(req.headers())
                      .set(HttpHeaders.CONTENT_TYPE, "application/json-patch+json");
              call(HttpMethod.PATCH, req.uri(), headers, Buffer.buffer(ops.toString()))
                  .onSuccess(up -> respond(req, api, up))
                  .onFailure(e -> upstreamFailed(req, e));
            });
  }

  /**
   * {@code ?dryRun=All}: the mock knows no dry run and would store the object, so the answer is
   * computed here from what the mock holds, and nothing is written.
   */
  private void dryRun(HttpServerRequest req, ApiPath api, Buffer body) {
    HttpMethod method = req.method();
    if (method == HttpMethod.POST) {
      JsonNode object;
      try {
        object = JSON.readTree(body.getBytes());
      } catch (IOException e) {
        status(req, 400, "BadRequest", "the body is not JSON: " + e.getMessage(), api);
        return;
      }
      if (object == null || !object.isObject()) {
        status(req, 400, "BadRequest", "the body is not a JSON object", api);
        return;
      }
      String name = object.path("metadata").path("name").asText("");
      ApiPath named =
          new ApiPath(api.group(), api.version(), api.namespace(), api.resource(), name, null);
      Future<Upstream> existing =
          name.isEmpty()
              ? Future.succeededFuture(null)
              : call(HttpMethod.GET, named.objectPath(), jsonHeaders(), null);
      existing
          .onSuccess(
              up -> {
                if (up != null && up.status() == 200) {
                  status(
                      req,
                      409,
                      "AlreadyExists",
                      named.qualifiedResource() + " \"" + name + "\" already exists",
                      named);
                  return;
                }
                ObjectNode created = object.deepCopy();
                ObjectNode metadata = created.withObjectProperty("metadata");
                if (api.namespace() != null) {
                  metadata.put("namespace", api.namespace());
                }
                metadata.put(
                    "creationTimestamp",
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                metadata.put("generation", 1);
                json(req, 201, created);
              })
          .onFailure(e -> upstreamFailed(req, e));
      return;
    }
    if (api.name() == null) {
      status(
          req,
          405,
          "MethodNotAllowed",
          "dry run of " + method + " on a collection is not " + "supported by the sandbox",
          api);
      return;
    }
    current(req, api)
        .onSuccess(
            before -> {
              if (before == null) {
                return;
              }
              if (method == HttpMethod.DELETE) {
                json(req, 200, before);
              } else if (method == HttpMethod.PUT) {
                try {
                  ObjectNode after = (ObjectNode) JSON.readTree(body.getBytes());
                  ObjectNode metadata = after.withObjectProperty("metadata");
                  for (String kept :
                      List.of("uid", "creationTimestamp", "resourceVersion", "generation")) {
                    if (before.path("metadata").has(kept)) {
                      metadata.set(kept, before.path("metadata").get(kept));
                    }
                  }
                  json(req, 200, after);
                } catch (IOException | ClassCastException e) {
                  status(req, 400, "BadRequest", "the body is not a JSON object", api);
                }
              } else if (method == HttpMethod.PATCH) {
                String contentType = mediaType(req.getHeader(HttpHeaders.CONTENT_TYPE));
                if (contentType.startsWith("application/apply-patch")) {
                  status(req, 415, "UnsupportedMediaType", SSA_UNSUPPORTED, api);
                  return;
                }
                try {
                  json(req, 200, applyPatch(before, contentType, body));
                } catch (BadPatchException e) {
                  status(req, e.code, e.reason, e.getMessage(), api);
                }
              } else {
                status(
                    req,
                    405,
                    "MethodNotAllowed",
                    "dry run of " + method + " is not supported",
                    api);
              }
            });
  }

  /**
   * The object {@code api} names, as the mock holds it; {@code null} (and the request answered)
   * when it is missing or the mock fails.
   */
  private Future<JsonNode> current(HttpServerRequest req, ApiPath api) {
    return call(HttpMethod.GET, api.objectPath(), jsonHeaders(), null)
        .map(
            up -> {
              if (up.status() != 200) {
                respond(req, api, up);
                return null;
              }
              try {
                return JSON.readTree(up.body().getBytes());
              } catch (IOException e) {
                internalError(req, e);
                return (JsonNode) null;
              }
            })
        .recover(
            e -> {
              upstreamFailed(req, e);
              return Future.succeededFuture(null);
            });
  }

  private static JsonNode applyPatch(JsonNode before, String contentType, Buffer body)
      throws BadPatchException {
    JsonNode patch;
    try {
      patch = JSON.readTree(body.getBytes());
    } catch (IOException e) {
      throw new BadPatchException(400, "BadRequest", "the patch is not JSON: " + e.getMessage());
    }
    JsonNode after;
    switch (contentType) {
      case "application/merge-patch+json", "application/strategic-merge-patch+json" -> {
        if (patch == null || !patch.isObject()) {
          throw new BadPatchException(400, "BadRequest", "a merge patch must be a JSON object");
        }
        after =
            contentType.startsWith("application/merge")
                ? Patches.mergePatch(before, patch)
                : Patches.strategicMergePatch(before, patch);
      }
      case "application/json-patch+json" -> {
        try {
          after = JsonPatch.apply(patch, before);
        } catch (RuntimeException e) {
          throw new BadPatchException(
              422, "Invalid", "the JSON patch cannot be applied: " + e.getMessage());
        }
      }
      default ->
          throw new BadPatchException(
              415,
              "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: "
                  + "application/json-patch+json, application/merge-patch+json, "
                  + "application/strategic-merge-patch+json");
    }
    if (after == null || !after.isObject()) {
      throw new BadPatchException(
          422, "Invalid", "the patch would delete the whole object; use DELETE");
    }
    return after;
  }

  private static final class BadPatchException extends Exception {
    final int code;
    final String reason;

    BadPatchException(int code, String reason, String message) {
      super(message, null, false, false);
      this.code = code;
      this.reason = reason;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // plain proxying

  private void proxy(HttpServerRequest req, Buffer body) {
    Optional<ApiPath> api = ApiPath.parse(req.path());
    call(
            req.method(),
            req.uri(),
            forwardHeaders(req.headers()),
            body == null || body.length() == 0 ? null : body)
        .onSuccess(up -> respond(req, api.orElse(null), up))
        .onFailure(e -> upstreamFailed(req, e));
  }

  private void proxyWebSocket(HttpServerRequest req) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers()
        .forEach(
            h -> {
              String name = h.getKey().toLowerCase(Locale.ROOT);
              if (!HOP_BY_HOP.contains(name) && !name.startsWith("sec-websocket-")) {
                headers.add(h.getKey(), h.getValue());
              }
            });
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(upstreamHost)
            .setPort(upstreamPort)
            .setSsl("https".equalsIgnoreCase(upstreamUrl.getScheme()))
            .setURI(req.uri())
            .setHeaders(headers);
    String protocols = req.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null && !protocols.isBlank()) {
      options.setSubProtocols(Arrays.stream(protocols.split(",")).map(String::trim).toList());
    }
    req.pause();
    upstreamWebSockets
        .connect(options)
        .onSuccess(
            up -> {
              up.pause();
              req.toWebSocket().onSuccess(down -> pipe(up, down)).onFailure(e -> up.close());
              req.resume();
            })
        .onFailure(
            e -> {
              req.resume();
              status(
                  req,
                  502,
                  "InternalError",
                  "cannot open a WebSocket to the mock API: " + e.getMessage(),
                  null);
            });
  }

  private static void pipe(WebSocket up, ServerWebSocket down) {
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            if (!up.isClosed()) {
              up.close();
            }
            if (!down.isClosed()) {
              down.close();
            }
          }
        };
    up.textMessageHandler(down::writeTextMessage);
    up.binaryMessageHandler(down::writeBinaryMessage);
    down.textMessageHandler(up::writeTextMessage);
    down.binaryMessageHandler(up::writeBinaryMessage);
    up.closeHandler(v -> close.run());
    down.closeHandler(v -> close.run());
    up.exceptionHandler(e -> close.run());
    down.exceptionHandler(e -> close.run());
    up.resume();
  }

  // ---------------------------------------------------------------------------------------------
  // the mock

  private record Upstream(int status, MultiMap headers, Buffer body) {}

  private Future<Upstream> call(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    // The mock reads the whole URI as the object's path on writes (so ".../status?fieldManager=x"
    // would not be taken for the status subresource), and knows none of their parameters.
    String target = method == HttpMethod.GET || method == HttpMethod.HEAD ? uri : pathOnly(uri);
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(upstreamHost)
            .setPort(upstreamPort)
            .setURI(target)
            .setHeaders(headers)
            .setIdleTimeout(UPSTREAM_TIMEOUT.toMillis());
    return upstream
        .request(options)
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(resp -> resp.body().map(b -> new Upstream(resp.statusCode(), resp.headers(), b)));
  }

  private Future<List<CrdInfo>> crds() {
    return call(HttpMethod.GET, CRDS, jsonHeaders(), null)
        .map(
            up -> {
              List<CrdInfo> crds = new ArrayList<>();
              if (up.status() == 200) {
                try {
                  for (JsonNode item : JSON.readTree(up.body().getBytes()).path("items")) {
                    CrdInfo.from(item).ifPresent(crds::add);
                  }
                } catch (IOException e) {
                  LOG.warn("cannot read the CRDs the mock holds: {}", e.toString());
                }
              }
              return crds;
            });
  }

  private void respond(HttpServerRequest req, ApiPath api, Upstream up) {
    int status = up.status();
    Buffer body = up.body();
    if (status >= 400 && !looksLikeJson(body)) {
      String reason = reason(status, req.method());
      status(req, status, reason, message(status, reason, req.method(), api), api);
      return;
    }
    if (req.method() == HttpMethod.PATCH && status == 202) {
      status = 200; // the mock answers PATCH with 202; Kubernetes with 200
    }
    HttpServerResponse resp = req.response().setStatusCode(status);
    up.headers()
        .forEach(
            h -> {
              if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                resp.headers().add(h.getKey(), h.getValue());
              }
            });
    if (body != null && body.length() > 0 && !resp.headers().contains(HttpHeaders.CONTENT_TYPE)) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    }
    resp.end(body == null ? Buffer.buffer() : body);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static MultiMap forwardHeaders(MultiMap in) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    in.forEach(
        h -> {
          if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
            out.add(h.getKey(), h.getValue());
          }
        });
    return out;
  }

  private static String pathOnly(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static MultiMap jsonHeaders() {
    return MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, APPLICATION_JSON);
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private static boolean isWatch(HttpServerRequest req) {
    String watch = req.getParam("watch");
    return watch != null && (watch.equalsIgnoreCase("true") || watch.equals("1"));
  }

  private static boolean wantsTable(HttpServerRequest req) {
    String accept = req.getHeader(HttpHeaders.ACCEPT);
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",")) {
      String p = part.replace(" ", "");
      if (p.contains(";as=Table") && (!p.contains(";g=") || p.contains(";g=meta.k8s.io"))) {
        return true;
      }
    }
    return false;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private static boolean looksLikeJson(Buffer body) {
    if (body == null) {
      return false;
    }
    for (int i = 0; i < body.length(); i++) {
      byte b = body.getByte(i);
      if (b == '{' || b == '[') {
        return true;
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return false;
  }

  private static String reason(int status, HttpMethod method) {
    return switch (status) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> method == HttpMethod.POST ? "AlreadyExists" : "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> status >= 500 ? "InternalError" : "";
    };
  }

  private static String message(int status, String reason, HttpMethod method, ApiPath api) {
    if (status == 404 && api != null && api.name() != null) {
      return api.qualifiedResource() + " \"" + api.name() + "\" not found";
    }
    if (status == 404) {
      return "the server could not find the requested resource";
    }
    if (status == 409 && api != null && api.name() != null) {
      return "Operation cannot be fulfilled on "
          + api.qualifiedResource()
          + " \""
          + api.name()
          + "\": the object has been modified; please apply your changes to the latest version "
          + "and try again";
    }
    return "the mock API server answered "
        + status
        + (reason.isEmpty() ? "" : " " + reason)
        + " to "
        + method;
  }

  private static void status(
      HttpServerRequest req, int code, String reason, String message, ApiPath api) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    if (api != null) {
      ObjectNode details = status.putObject("details");
      if (api.name() != null) {
        details.put("name", api.name());
      }
      details.put("group", api.group());
      details.put("kind", api.resource());
    }
    status.put("code", code);
    json(req, code, status);
  }

  private static void json(HttpServerRequest req, int code, JsonNode body) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    try {
      resp.setStatusCode(code)
          .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      resp.setStatusCode(500).end();
    }
  }

  private static void upstreamFailed(HttpServerRequest req, Throwable e) {
    LOG.debug("the mock API server failed {} {}: {}", req.method(), req.uri(), e.toString());
    if (!req.response().headWritten()) {
      status(
          req,
          503,
          "ServiceUnavailable",
          "the mock API server is unavailable: " + e.getMessage(),
          null);
    }
  }

  private static void internalError(HttpServerRequest req, Throwable e) {
    LOG.warn("cannot answer {} {}", req.method(), req.uri(), e);
    if (!req.response().headWritten()) {
      status(req, 500, "InternalError", "the sandbox's API front failed: " + e, null);
    }
  }

  private static int port(URI url) {
    if (url.getPort() > 0) {
      return url.getPort();
    }
    return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }
}
