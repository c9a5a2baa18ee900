package dev.herald.sandbox;

import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.webpush.LoopbackAllowance;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.dispatcher.DispatcherSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;

/**
 * One dispatcher process of the sandbox: {@code dev.herald.dispatcher.Main}, configured from the
 * environment the same way, plus the web push simulator's loopback allowance. Production code reads
 * that allowance from no environment variable or property; this main, which is part of the sandbox
 * and not of the dispatcher image, takes the simulator's port and certificate as its arguments and
 * grants them in code.
 *
 * <pre>{@code java -cp ... dev.herald.sandbox.SandboxDispatcher <web push port> <certificate.pem>}
 * </pre>
 */
public final class SandboxDispatcher {
  private SandboxDispatcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println(
          "usage: SandboxDispatcher <web push simulator port> <its certificate (PEM)>");
      System.exit(2);
    }
    WebPushEndpoints webPush =
        WebPushEndpoints.publicOnly()
            .allowing(
                LoopbackAllowance.localhost(
                    Integer.parseInt(args[0]), certificate(Path.of(args[1]))));
    KubernetesClient kube = new KubernetesClientBuilder().build();
    String name = System.getenv().getOrDefault("HOSTNAME", "sandbox-dispatcher");
    Dispatcher dispatcher =
        Dispatcher.start(
            kube,
            StoreSettings.fromEnv(System.getenv()),
            QueueSettings.fromEnv(System.getenv()),
            DispatcherSettings.fromEnv(System.getenv()),
            Dispatcher.providers(webPush),
            name);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dispatcher.close();
                  kube.close();
                  stopped.countDown();
                },
                "herald-shutdown"));
    stopped.await();
  }

  private static X509Certificate certificate(Path pem) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
