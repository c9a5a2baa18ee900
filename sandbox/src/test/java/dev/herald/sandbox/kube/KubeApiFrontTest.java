package dev.herald.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The front, driven by the real kubectl 1.32 and by fabric8 clients. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeApiFrontTest {
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceDefinitionContext GADGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("sandbox.herald.dev")
          .withVersion("v1")
          .withKind("Gadget")
          .withPlural("gadgets")
          .withNamespaced(true)
          .build();

  @TempDir static Path tmp;

  private LocalKubernetes kube;
  private Path kubeconfig;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "needs kubectl at " + KUBECTL);
    kube = LocalKubernetes.start();
    kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
    kubeconfig = kube.front().writeKubeconfig(tmp.resolve("kube/config"));
    // Every kubectl here works on gadgets, created by kubectl itself
    assertThat(kubectl("apply", "-f", resource("gadgets-crd.yaml")).out())
        .contains(
            "customresourcedefinition.apiextensions.k8s.io/gadgets.sandbox.herald.dev created");
  }

  @AfterAll
  void stop() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void kubeconfigNamesTheSandboxContext() throws Exception {
    assertThat(Files.readString(kubeconfig))
        .contains(
            "server: " + kube.front().url(),
            "current-context: herald-sandbox",
            "namespace: default");
    assertThat(Files.getPosixFilePermissions(kubeconfig).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    Result config = kubectl("config", "view", "--minify", "-o", "jsonpath={.contexts[0].name}");
    assertThat(config.out()).isEqualTo("herald-sandbox");
    assertThat(kubectl("version").out()).contains("Server Version: v1.32.0-herald-sandbox");
  }

  @Test
  void discoveryShowsTheCrdsInTheMock() {
    Result resources = kubectl("api-resources");
    assertThat(resources.out())
        .containsPattern(
            "notifications\\s+notif,hn\\s+herald\\.dev/v1alpha1\\s+true\\s+Notification");
    assertThat(resources.out()).containsPattern("configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap");
    assertThat(resources.out())
        .containsPattern(
            "customresourcedefinitions\\s+crd,crds\\s+apiextensions\\.k8s\\.io/v1\\s+false");

    Result herald = kubectl("api-resources", "--categories", "herald", "-o", "name");
    assertThat(herald.out().lines())
        .contains(
            "notifications.herald.dev",
            "notificationtemplates.herald.dev",
            "deliveryproviders.herald.dev",
            "campaigns.herald.dev",
            "gadgets.sandbox.herald.dev");
  }

  @Test
  void appliesGetsPatchesAndDeletesANotification() {
    Result created = kubectl("apply", "-f", resource("notification.yaml"));
    assertThat(created.out()).contains("notification.herald.dev/welcome created");
    assertThat(kubectl("apply", "-f", resource("notification.yaml")).out())
        .contains("notification.herald.dev/welcome unchanged");

    Result table = kubectl("get", "notifications");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .containsPattern("NAME\\s+.*TEMPLATE\\s+FAILED\\s+PHASE\\s+SENT\\s+TOTAL");
    assertThat(table.out()).containsPattern("welcome\\s+\\d+s\\s+welcome-email");

    // what the operator will do: write the status subresource
    Result status =
        kubectl(
            "patch",
            "notification",
            "welcome",
            "--subresource=status",
            "--type=merge",
            "-p",
            "{\"status\":{\"phase\":\"Completed\",\"sent\":2,\"failed\":0,\"total\":2}}");
    assertThat(status.out()).contains("notification.herald.dev/welcome patched");
    assertThat(kubectl("get", "notif").out())
        .containsPattern("welcome\\s+\\d+s\\s+welcome-email\\s+0\\s+Completed\\s+2\\s+2");

    Result yaml = kubectl("get", "hn", "welcome", "-o", "yaml");
    assertThat(yaml.out())
        .contains(
            "kind: Notification",
            "template: welcome-email",
            "phase: Completed",
            "kubectl.kubernetes.io/last-applied-configuration");

    // a changed list is replaced, not appended to; the status survives a spec update
    String changed = read(resource("notification.yaml")).replace("u-2", "u-3");
    assertThat(kubectlWithInput(changed, "apply", "-f", "-").out())
        .contains("notification.herald.dev/welcome configured");
    assertThat(
            kubectl(
                    "get",
                    "notification",
                    "welcome",
                    "-o",
                    "jsonpath={.spec.recipients} {.status.phase} {.metadata.generation}")
                .out())
        .isEqualTo("[{\"user\":\"u-1\"},{\"user\":\"u-3\"}] Completed 2");

    assertThat(kubectl("delete", "notification", "welcome").out())
        .contains("notification.herald.dev \"welcome\" deleted");
    assertThat(kubectl("get", "notifications").err())
        .contains("No resources found in default namespace.");
  }

  @Test
  void showsAnyCrdsPrinterColumns() {
    assertThat(kubectl("apply", "-n", "printers", "-f", resource("gadget.yaml")).out())
        .contains("gadget.sandbox.herald.dev/g1 created");
    kubectl(
        "patch",
        "-n",
        "printers",
        "gadget",
        "g1",
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Running\",\"count\":3,"
            + "\"conditions\":[{\"type\":\"Scheduled\",\"status\":\"True\"},"
            + "{\"type\":\"Ready\",\"status\":\"False\"}]}}");

    Result table = kubectl("get", "-n", "printers", "gadgets");
    assertThat(table.out().lines().toList()).hasSize(2);
    assertThat(table.out().lines().findFirst().orElseThrow())
        .containsPattern("^NAME\\s+PHASE\\s+READY\\s+COUNT\\s+AGE$");
    assertThat(table.out()).containsPattern("g1\\s+Running\\s+False\\s+3\\s+\\d+s");

    assertThat(kubectl("get", "-n", "printers", "gdg", "-o", "wide").out())
        .containsPattern("OWNER")
        .containsPattern("g1\\s+Running\\s+False\\s+3\\s+alice\\s+\\d+s");
    assertThat(kubectl("get", "-n", "printers", "gadget", "g1", "--show-labels").out())
        .contains("team=growth");
    assertThat(kubectl("get", "-n", "printers", "gadgets", "-l", "team=growth", "-o", "name").out())
        .isEqualTo("gadget.sandbox.herald.dev/g1");
    assertThat(kubectl("get", "-n", "printers", "gadgets", "-l", "team=other").err())
        .contains("No resources found");
    assertThat(kubectl("get", "gadgets", "-A").out())
        .containsPattern("NAMESPACE\\s+NAME")
        .containsPattern("printers\\s+g1\\s+Running");
    assertThat(kubectl("get", "-n", "printers", "herald").out())
        .contains("gadget.sandbox.herald.dev/g1");
  }

  @Test
  void kubectlWaitFollowsAWatch() throws Exception {
    kubectlWithInput(gadget("w1"), "apply", "-f", "-");
    Process waitPhase =
        start("wait", "--for=jsonpath={.status.phase}=Done", "gadget/w1", "--timeout=30s");
    Process waitDeleted = start("wait", "--for=delete", "gadget/w1", "--timeout=30s");

    kubectl(
        "patch",
        "gadget",
        "w1",
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Done\"}}");
    assertThat(finish(waitPhase)).contains("gadget.sandbox.herald.dev/w1 condition met");

    kubectl("delete", "gadget", "w1", "--wait=false");
    assertThat(finish(waitDeleted)).contains("gadget.sandbox.herald.dev/w1 condition met");
  }

  @Test
  void kubectlGetWatchShowsChangesAsTheyHappen() throws Exception {
    kubectlWithInput(gadget("w2"), "apply", "-f", "-");
    Process watch = start("get", "gadgets", "--field-selector", "metadata.name=w2", "-w");
    List<String> lines = collectLines(watch.getInputStream());
    List<String> errors = collectLines(watch.getErrorStream());
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .alias("kubectl get -w printed " + lines + errors)
          .until(() -> lines.size() >= 2);
      assertThat(lines.get(0)).startsWith("NAME");
      assertThat(lines.get(1)).startsWith("w2 ");

      kubectl(
          "patch",
          "gadget",
          "w2",
          "--subresource=status",
          "--type=merge",
          "-p",
          "{\"status\":{\"phase\":\"Moved\",\"count\":9}}");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> lines.stream().anyMatch(l -> l.matches("w2\\s+Moved\\s+9\\s+\\d+s")));
      assertThat(lines).hasSize(3); // nothing replayed: only the change
    } finally {
      watch.destroy();
    }
  }

  @Test
  void plainHttpWatchRelaysOnlyWhatIsNewer() throws Exception {
    kubectlWithInput(gadget("w3"), "apply", "-f", "-");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String collection =
        kube.front().url() + "/apis/sandbox.herald.dev/v1/namespaces/default/gadgets";
    JsonNode list =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(collection)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String rv = list.path("metadata").path("resourceVersion").asText();

    HttpResponse<Stream<String>> watch =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        collection + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=20"))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(watch.statusCode()).isEqualTo(200);
    assertThat(watch.headers().firstValue("content-type")).hasValue("application/json");
    Iterator<String> events = watch.body().iterator();

    kubectl("label", "gadget", "w3", "moved=yes");
    JsonNode event =
        JSON.readTree(CompletableFuture.supplyAsync(events::next).get(15, TimeUnit.SECONDS));
    assertThat(event.path("type").asText()).isEqualTo("MODIFIED");
    assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("w3");
    assertThat(event.path("object").path("metadata").path("labels").path("moved").asText())
        .isEqualTo("yes");
    watch.body().close();
  }

  @Test
  void fabric8ClientsInOtherProcessesWatchThroughTheFront() throws Exception {
    try (KubernetesClient client = kube.newFrontClient()) {
      List<String> events = new CopyOnWriteArrayList<>();
      var watch =
          client
              .genericKubernetesResources(GADGETS)
              .inNamespace("default")
              .watch(
                  new Watcher<GenericKubernetesResource>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource resource) {
                      events.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      SharedIndexInformer<GenericKubernetesResource> informer =
          client.genericKubernetesResources(GADGETS).inNamespace("default").inform();
      try {
        kube.client()
            .genericKubernetesResources(GADGETS)
            .inNamespace("default")
            .resource(
                new GenericKubernetesResourceBuilder()
                    .withApiVersion("sandbox.herald.dev/v1")
                    .withKind("Gadget")
                    .withNewMetadata()
                    .withName("f1")
                    .endMetadata()
                    .addToAdditionalProperties("spec", Map.of("owner", "bob"))
                    .build())
            .create();

        await().atMost(Duration.ofSeconds(15)).until(() -> events.contains("ADDED f1"));
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> informer.getStore().getByKey("default/f1") != null);
        assertThat(
                client
                    .genericKubernetesResources(GADGETS)
                    .inNamespace("default")
                    .withName("f1")
                    .get()
                    .get("spec", "owner")
                    .toString())
            .isEqualTo("bob");
      } finally {
        informer.close();
        watch.close();
      }
    }
  }

  @Test
  void kubectlCreateSendsProtobufWhichTheFrontTurnsIntoJson() {
    assertThat(
            kubectl("create", "secret", "generic", "apns-key", "--from-literal=key=s3cr3t").out())
        .contains("secret/apns-key created");
    assertThat(kubectl("create", "configmap", "settings", "--from-literal=rate=5").out())
        .contains("configmap/settings created");
    assertThat(kubectl("create", "namespace", "team-a").out()).contains("namespace/team-a created");

    String key =
        kube.client()
            .secrets()
            .inNamespace("default")
            .withName("apns-key")
            .get()
            .getData()
            .get("key");
    assertThat(new String(Base64.getDecoder().decode(key), StandardCharsets.UTF_8))
        .isEqualTo("s3cr3t");
    assertThat(
            kube.client().configMaps().inNamespace("default").withName("settings").get().getData())
        .containsEntry("rate", "5");

    Result deployment = kubectl("create", "deployment", "d", "--image=x");
    assertThat(deployment.exit()).isNotZero();
    assertThat(deployment.err()).contains("kubectl apply -f -");
  }

  @Test
  void dryRunWritesNothingAndServerSideApplyIsRefusedPlainly() {
    Result dry = kubectlWithInput(gadget("dry"), "apply", "--dry-run=server", "-f", "-");
    assertThat(dry.out()).contains("gadget.sandbox.herald.dev/dry created (server dry run)");
    assertThat(kubectl("get", "gadget", "dry").err())
        .contains("Error from server (NotFound): gadgets.sandbox.herald.dev \"dry\" not found");

    Result ssa = kubectlWithInput(gadget("ssa"), "apply", "--server-side", "-f", "-");
    assertThat(ssa.exit()).isNotZero();
    assertThat(ssa.err()).contains("server-side apply is not supported");
  }

  @Test
  void describeListsTheEventsOfTheObject() {
    kubectlWithInput(gadget("ev1"), "apply", "-f", "-");
    kubectlWithInput(gadget("ev1-other"), "apply", "-f", "-");
    event(
        "ev1",
        "Warning",
        "TemplateNotFound",
        "spec.template: NotificationTemplate \"welcome\" not found");
    event("ev1-other", "Normal", "SomethingElse", "not about ev1");

    // kubectl lists them with involvedObject.{kind,uid,name,namespace} field selectors
    String described = kubectl("describe", "gadget", "ev1").out();
    assertThat(described)
        .containsPattern(
            "Warning\\s+TemplateNotFound\\s+\\S+\\s+herald-operator\\s+"
                + "spec.template: NotificationTemplate \"welcome\" not found");
    assertThat(described).doesNotContain("SomethingElse");
  }

  @Test
  void getEventsPrintsTheColumnsOfKubeApiserver() {
    kubectlWithInput(gadget("ev2"), "apply", "-n", "events", "-f", "-");
    event("events", "ev2", "Warning", "ProviderNotReady", "no Ready provider for email");
    event("events", "ev2", "Normal", "Completed", "Completed: 3 of 3 sent");

    List<String> lines = kubectl("get", "events", "-n", "events").out().lines().toList();
    assertThat(lines.get(0)).matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "\\d+s\\s+Warning\\s+ProviderNotReady\\s+gadget/ev2\\s+no Ready provider for email"));
    assertThat(
            kubectl("get", "events", "-n", "events", "-o", "wide")
                .out()
                .lines()
                .findFirst()
                .orElseThrow())
        .matches(
            "LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+SUBOBJECT\\s+SOURCE\\s+"
                + "MESSAGE\\s+FIRST SEEN\\s+COUNT\\s+NAME");
    assertThat(kubectl("get", "events", "-n", "events", "--field-selector", "type=Warning").out())
        .contains("ProviderNotReady")
        .doesNotContain("Completed");
    // kubectl events decodes the list as an EventList, not the mock's List
    assertThat(kubectl("events", "-n", "events").out()).contains("ProviderNotReady", "Completed");
  }

  @Test
  void eventsOfEventsK8sIoAreAReadOnlyViewOfTheCoreEvents() throws Exception {
    kubectlWithInput(gadget("ev3"), "apply", "-n", "view", "-f", "-");
    event("view", "ev3", "Normal", "Compiled", "all templates compile");
    event("view", "ev3-other", "Normal", "Other", "another object");

    HttpClient http = HttpClient.newHttpClient();
    String events = kube.front().url() + "/apis/events.k8s.io/v1/namespaces/view/events";
    JsonNode list =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(events + "?fieldSelector=regarding.name%3Dev3"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(list.path("kind").asText()).isEqualTo("EventList");
    assertThat(list.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
    assertThat(list.path("items")).hasSize(1);
    JsonNode event = list.path("items").get(0);
    assertThat(event.path("note").asText()).isEqualTo("all templates compile");
    assertThat(event.path("regarding").path("kind").asText()).isEqualTo("Gadget");
    assertThat(event.path("reportingController").asText()).isEqualTo("herald-operator");

    HttpResponse<String> write =
        http.send(
            HttpRequest.newBuilder(URI.create(events))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(write.statusCode()).isEqualTo(405);
    assertThat(write.body()).contains("read-only view");
  }

  @Test
  void aWatchWithAFieldSelectorSeesOnlyWhatMatches() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<Stream<String>> watch =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        kube.front().url()
                            + "/api/v1/namespaces/watched/events?watch=true&timeoutSeconds=20"
                            + "&fieldSelector=involvedObject.name%3Dev4"))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    Iterator<String> events = watch.body().iterator();
    event("watched", "ev4-other", "Normal", "NotThisOne", "about another object");
    event("watched", "ev4", "Normal", "ThisOne", "about ev4");

    JsonNode first =
        JSON.readTree(CompletableFuture.supplyAsync(events::next).get(15, TimeUnit.SECONDS));
    assertThat(first.path("object").path("reason").asText()).isEqualTo("ThisOne");
    watch.body().close();
  }

  @Test
  void explainDescribesHeraldKindsFromTheirCrdSchemas() {
    Result spec = kubectl("explain", "notification.spec.recipients");
    assertThat(spec.exit()).as(spec.err()).isZero();
    assertThat(spec.out())
        .contains(
            "GROUP:      herald.dev",
            "KIND:       Notification",
            "VERSION:    v1alpha1",
            "FIELD: recipients <[]Object>",
            "Raw e-mail address");
    assertThat(kubectl("explain", "deliveryprovider.spec.type").out())
        .contains("sendgrid", "webpush");
    assertThat(kubectl("explain", "notificationtemplate.metadata.name").out())
        .contains("FIELD: name <string>");
    Result missing = kubectl("explain", "notification.spec.nosuchfield");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("field \"nosuchfield\" does not exist");
  }

  @Test
  void campaignsShowTheirScheduleAndProgressAndExplainTheirFields() {
    assertThat(kubectl("apply", "-f", resource("campaign.yaml")).out())
        .contains("campaign.herald.dev/digest created", "campaign.herald.dev/launch created");
    assertThat(
            kubectl(
                    "patch",
                    "campaign",
                    "digest",
                    "--subresource=status",
                    "--type=merge",
                    "-p",
                    "{\"status\":{\"progress\":\"1200/5000\","
                        + "\"nextScheduleTime\":\"2026-12-14T08:00:00Z\"}}")
                .out())
        .contains("campaign.herald.dev/digest patched");

    Result table = kubectl("get", "campaigns");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .containsPattern("NAME\\s+AGE\\s+SCHEDULE\\s+SUSPEND\\s+LAST RUN\\s+NEXT RUN\\s+PROGRESS");
    assertThat(table.out())
        .containsPattern(
            "digest\\s+\\d+s\\s+0 9 \\* \\* MON\\s+false\\s+2026-12-14T08:00:00Z\\s+1200/5000")
        .containsPattern("launch\\s+\\d+s\\s+2026-12-01T10:00:00Z\\s+true");
    assertThat(kubectl("get", "camp", "launch").out()).contains("launch");
    assertThat(kubectl("get", "hc", "-o", "name").out().lines())
        .containsExactlyInAnyOrder("campaign.herald.dev/digest", "campaign.herald.dev/launch");

    Result explain = kubectl("explain", "campaign.spec");
    assertThat(explain.exit()).as(explain.err()).isZero();
    assertThat(explain.out())
        .contains("KIND:       Campaign", "audience", "deliverAt", "quietHours", "frequencyCap");
    assertThat(
            kubectl("explain", "campaign.spec.audience.selector.matchExpressions.operator").out())
        .contains("DoesNotExist");
    assertThat(kubectl("explain", "campaign.status.active").out()).contains("pending");

    assertThat(kubectl("delete", "campaigns", "--all").out()).contains("deleted");
  }

  @Test
  void aWatchFromAListIsToldOfWhatWasDeletedSince() throws Exception {
    GenericKubernetesResource held =
        kube.client()
            .genericKubernetesResources(GADGETS)
            .inNamespace("default")
            .resource(
                new GenericKubernetesResourceBuilder()
                    .withApiVersion("sandbox.herald.dev/v1")
                    .withKind("Gadget")
                    .withNewMetadata()
                    .withName("fin1")
                    .addToFinalizers("sandbox.herald.dev/hold")
                    .endMetadata()
                    .build())
            .create();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String collection =
        kube.front().url() + "/apis/sandbox.herald.dev/v1/namespaces/default/gadgets";
    String selector = "?fieldSelector=metadata.name%3Dfin1";
    // kubectl delete: DELETE, then list and watch the one object until it is gone
    http.send(
        HttpRequest.newBuilder(URI.create(collection + "/fin1")).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());
    JsonNode list =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(collection + selector)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(list.path("items")).hasSize(1);
    // the finalizer goes between the list and the watch, as the operator's does within milliseconds
    kube.client()
        .genericKubernetesResources(GADGETS)
        .inNamespace("default")
        .withName("fin1")
        .edit(
            g -> {
              g.getMetadata().setFinalizers(List.of());
              return g;
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kube.client()
                        .genericKubernetesResources(GADGETS)
                        .inNamespace("default")
                        .withName("fin1")
                        .get()
                    == null);

    HttpResponse<Stream<String>> watch =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        collection
                            + selector
                            + "&watch=true&timeoutSeconds=20&resourceVersion="
                            + list.path("metadata").path("resourceVersion").asText()))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    Iterator<String> events = watch.body().iterator();
    JsonNode event =
        JSON.readTree(CompletableFuture.supplyAsync(events::next).get(15, TimeUnit.SECONDS));
    assertThat(event.path("type").asText()).isEqualTo("DELETED");
    assertThat(event.path("object").path("metadata").path("uid").asText())
        .isEqualTo(held.getMetadata().getUid());
    watch.body().close();
  }

  @Test
  void kubectlDeleteReturnsOnceTheFinalizerIsRemoved() {
    SharedIndexInformer<GenericKubernetesResource> controller =
        kube.client()
            .genericKubernetesResources(GADGETS)
            .inNamespace("default")
            .inform(
                new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                  @Override
                  public void onAdd(GenericKubernetesResource g) {}

                  @Override
                  public void onUpdate(
                      GenericKubernetesResource before, GenericKubernetesResource g) {
                    // like Herald's operator: cleans up at once when the object is being deleted
                    if (g.getMetadata().getDeletionTimestamp() != null
                        && !g.getMetadata().getFinalizers().isEmpty()) {
                      kube.client()
                          .genericKubernetesResources(GADGETS)
                          .inNamespace("default")
                          .withName(g.getMetadata().getName())
                          .edit(
                              e -> {
                                e.getMetadata().setFinalizers(List.of());
                                return e;
                              });
                    }
                  }

                  @Override
                  public void onDelete(GenericKubernetesResource g, boolean unknown) {}
                });
    try {
      for (int i = 0; i < 3; i++) {
        String name = "fin-kubectl-" + i;
        kubectlWithInput(
            gadget(name)
                .replace("metadata:\n", "metadata:\n  finalizers: [sandbox.herald.dev/hold]\n"),
            "apply",
            "-f",
            "-");
        Result deleted = kubectl("delete", "gadget", name, "--timeout=20s");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("gadget.sandbox.herald.dev \"" + name + "\" deleted");
      }
    } finally {
      controller.close();
    }
  }

  @Test
  void aMissingObjectIsNamedInANotFoundStatus() throws Exception {
    kubectl("create", "namespace", "present");
    Result missing = kubectl("get", "notification", "-n", "present", "nope");
    assertThat(missing.err())
        .isEqualTo("Error from server (NotFound): notifications.herald.dev \"nope\" not found");
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            kube.front().url()
                                + "/apis/herald.dev/v1alpha1/namespaces/present/notifications/nope"))
                    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode status = JSON.readTree(raw.body());
    assertThat(raw.statusCode()).isEqualTo(404);
    assertThat(status.path("reason").asText()).isEqualTo("NotFound");
    assertThat(status.path("details").path("name").asText()).isEqualTo("nope");
    assertThat(status.path("details").path("kind").asText()).isEqualTo("notifications");
  }

  /**
   * An Event on a gadget of {@code default}, written to the mock as Herald's operator writes it.
   */
  private void event(String gadget, String type, String reason, String message) {
    event("default", gadget, type, reason, message);
  }

  private void event(String namespace, String gadget, String type, String reason, String message) {
    GenericKubernetesResource on =
        kube.client()
            .genericKubernetesResources(GADGETS)
            .inNamespace(namespace)
            .withName(gadget)
            .get();
    String uid = on == null ? "00000000-0000-0000-0000-000000000000" : on.getMetadata().getUid();
    kube.client()
        .v1()
        .events()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName(gadget + "." + Long.toHexString(System.nanoTime()))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("sandbox.herald.dev/v1")
                .withKind("Gadget")
                .withName(gadget)
                .withNamespace(namespace)
                .withUid(uid)
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(java.time.Instant.now().toString())
                .withLastTimestamp(java.time.Instant.now().toString())
                .withCount(1)
                .withNewSource()
                .withComponent("herald-operator")
                .endSource()
                .withReportingComponent("herald-operator")
                .build())
        .create();
  }

  // ---------------------------------------------------------------------------------------------

  private record Result(int exit, String out, String err) {}

  private Result kubectl(String... args) {
    return kubectlWithInput(null, args);
  }

  private Result kubectlWithInput(String input, String... args) {
    try {
      Process p = start(args);
      if (input != null) {
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      CompletableFuture<String> out = readAll(p.getInputStream());
      CompletableFuture<String> err = readAll(p.getErrorStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
      }
      return new Result(p.exitValue(), out.get().trim(), err.get().trim());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                KUBECTL.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                tmp.resolve("kube/cache").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("HOME", tmp.toString());
    pb.environment().remove("KUBECONFIG");
    return pb.start();
  }

  private static String finish(Process p) throws Exception {
    CompletableFuture<String> out = readAll(p.getInputStream());
    CompletableFuture<String> err = readAll(p.getErrorStream());
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    assertThat(p.exitValue()).as(err.get()).isZero();
    return out.get();
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static List<String> collectLines(InputStream in) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process was stopped
              }
            },
            "kubectl-output");
    t.setDaemon(true);
    t.start();
    return lines;
  }

  private static String gadget(String name) {
    return """
        apiVersion: sandbox.herald.dev/v1
        kind: Gadget
        metadata:
          name: %s
        spec:
          owner: carol
        """
        .formatted(name);
  }

  private String resource(String name) {
    try {
      Path file = tmp.resolve(name);
      if (!Files.exists(file)) {
        try (InputStream in = getClass().getResourceAsStream("/kube/" + name)) {
          Files.copy(in, file);
        }
      }
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
