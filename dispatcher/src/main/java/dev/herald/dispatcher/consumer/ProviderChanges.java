package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.core.store.CircuitStore;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.DeliveryStore;
import dev.herald.dispatcher.provider.ProviderEvents;
import dev.herald.dispatcher.provider.ProviderGate.Circuit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this dispatcher does when a provider changes: every circuit transition is logged and
 * recorded for the provider's status, and deliveries that waited for the change (a closed circuit,
 * a Ready provider) are made due at once. Writes happen off the sending threads.
 */
public final class ProviderChanges implements ProviderEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderChanges.class);

  private final DeliveryStore deliveries;
  private final CircuitStore circuits;
  private final String dispatcher;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("herald-provider-changes").daemon(true).factory());

  public ProviderChanges(DeliveryStore deliveries, CircuitStore circuits, String dispatcher) {
    this.deliveries = deliveries;
    this.circuits = circuits;
    this.dispatcher = dispatcher;
  }

  @Override
  public void circuitChanged(
      String namespace,
      String provider,
      Channel channel,
      Circuit from,
      Circuit to,
      String lastError) {
    String reason =
        switch (to) {
          case OPEN ->
              from == Circuit.HALF_OPEN
                  ? "probe failed: " + lastError
                  : "most recent calls failed: " + lastError;
          case HALF_OPEN -> "probing after the open wait";
          case CLOSED -> "calls succeed again";
        };
    if (to == Circuit.CLOSED) {
      LOG.info(
          "provider {}/{}: circuit {} -> closed ({})",
          namespace,
          provider,
          from.wireName(),
          reason);
    } else {
      LOG.warn(
          "provider {}/{}: circuit {} -> {} ({})",
          namespace,
          provider,
          from.wireName(),
          to.wireName(),
          reason);
    }
    run(
        "circuit of " + namespace + "/" + provider,
        () -> {
          circuits.record(namespace, provider, dispatcher, to.wireName(), reason);
          if (to == Circuit.CLOSED) {
            int woken = deliveries.wake(namespace, channel, DeliveryReasons.CIRCUIT_OPEN);
            if (woken > 0) {
              LOG.info(
                  "provider {}/{}: {} deliveries that waited for its circuit are due now",
                  namespace,
                  provider,
                  woken);
            }
          }
        });
  }

  @Override
  public void becameReady(String namespace, Channel channel) {
    run(
        "ready provider in " + namespace,
        () -> {
          int woken = deliveries.wake(namespace, channel, DeliveryReasons.NO_PROVIDER);
          if (woken > 0) {
            LOG.info(
                "{}: a {} provider is Ready; {} deliveries that waited for one are due now",
                namespace,
                channel.wireName(),
                woken);
          }
        });
  }

  private void run(String what, Runnable write) {
    writer.execute(
        () -> {
          try {
            write.run();
          } catch (RuntimeException e) {
            // The deliveries still come back when their wait ends; only the shortcut is lost.
            LOG.warn("recording the change of {} failed: {}", what, e.toString());
          }
        });
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
