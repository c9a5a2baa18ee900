package dev.herald.dispatcher;

import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.metrics.MetricsSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the dispatcher image; configuration comes from the environment (README,
 * Configuration).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    dev.herald.core.log.LogFormat.fromEnv(System.getenv());
    KubernetesClient kube = new KubernetesClientBuilder().build();
    String name = System.getenv().getOrDefault("HOSTNAME", "herald-dispatcher");
    Dispatcher dispatcher =
        Dispatcher.start(
            kube,
            StoreSettings.fromEnv(System.getenv()),
            QueueSettings.fromEnv(System.getenv()),
            DispatcherSettings.fromEnv(System.getenv()),
            Dispatcher.providers(),
            name,
            MetricsSettings.fromEnv(System.getenv()));
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
}
