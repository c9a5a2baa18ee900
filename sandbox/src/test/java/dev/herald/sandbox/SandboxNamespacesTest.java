package dev.herald.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.api.notification.Notification;
import dev.herald.sandbox.kube.LocalKubernetes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubectl names a missing object, not its namespace, in the namespaces the examples use. */
class SandboxNamespacesTest {
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");

  @TempDir Path tmp;

  @Test
  void aMissingNotificationIsReportedByName() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "needs kubectl at " + KUBECTL);
    try (LocalKubernetes kube = LocalKubernetes.start()) {
      kube.createCrds(LocalKubernetes.crdsOnClasspath(".herald.dev-v1.yml"));
      Path kubeconfig = kube.front().writeKubeconfig(tmp.resolve("kubeconfig"));
      Notification example = new Notification();
      example.setMetadata(
          new ObjectMetaBuilder().withName("order-1001-shipped").withNamespace("shop").build());

      assertThat(SandboxNamespaces.createMissing(kube.client(), List.of(example), "api-tenant"))
          .containsExactly("api-tenant", "shop");
      assertThat(SandboxNamespaces.createMissing(kube.client(), List.of(example)))
          .containsExactly("shop");

      assertThat(kubectl(kubeconfig, "get", "notification", "-n", "shop", "nope"))
          .isEqualTo("Error from server (NotFound): notifications.herald.dev \"nope\" not found");
      assertThat(kubectl(kubeconfig, "get", "namespaces", "-o", "name"))
          .contains("namespace/shop", "namespace/api-tenant");
    }
  }

  /** kubectl's standard output and error, trimmed. */
  private String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                KUBECTL.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                tmp.resolve("cache").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOME", tmp.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
