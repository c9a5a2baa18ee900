package dev.herald.operator;

import dev.herald.core.config.QueueSettings;
import dev.herald.core.config.RetentionSettings;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.config.WatchedNamespaces;
import dev.herald.core.metrics.MetricsSettings;
import dev.herald.core.schedule.CampaignClock;
import dev.herald.operator.http.ApiSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the operator image; configuration comes from the environment (README,
 * Configuration).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    dev.herald.core.log.LogFormat.fromEnv(System.getenv());
    KubernetesClient kube = new KubernetesClientBuilder().build();
    HeraldOperator operator =
        HeraldOperator.start(
            kube,
            StoreSettings.fromEnv(System.getenv()),
            QueueSettings.fromEnv(System.getenv()),
            ApiSettings.fromEnv(System.getenv()),
            RetentionSettings.fromEnv(System.getenv()),
            CampaignClock.fromEnv(System.getenv()),
            LeaderSettings.fromEnv(System.getenv()),
            MetricsSettings.fromEnv(System.getenv()),
            WatchedNamespaces.fromEnv(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  kube.close();
                  stopped.countDown();
                },
                "herald-shutdown"));
    stopped.await();
  }
}
