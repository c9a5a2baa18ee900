package dev.herald.dispatcher.consumer;

import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.dispatcher.provider.ProviderGate;
import dev.herald.dispatcher.provider.ProviderRegistry;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider that answers every send with what the test told it to, and keeps what it was sent;
 * behind a real {@link ProviderGate}, so circuits and limits behave as in production.
 */
final class ScriptedProvider implements ProviderClient {
  /** One call to the provider. */
  record Sent(DeliveryMessage delivery, Rendered content) {}

  final String name;
  final ProviderGate gate;
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private volatile SendResult answer = new SendResult.Accepted("provider-message-1");

  ScriptedProvider(String name) {
    this.name = name;
    this.gate =
        new ProviderGate(
            "shop/" + name,
            new DeliveryProviderSpec(),
            Duration.ofMinutes(1),
            Duration.ZERO,
            (from, to, lastError) -> {});
  }

  ScriptedProvider answers(SendResult next) {
    this.answer = next;
    return this;
  }

  ProviderRegistry.Candidate candidate() {
    return new ProviderRegistry.Candidate(name, this, gate);
  }

  /** Failing calls one short of opening the circuit: the next failure opens it. */
  ScriptedProvider oneFailureFromOpening() {
    for (int i = 0; i < 19; i++) {
      gate.send(null, () -> true, () -> new SendResult.Retry("http_503", "unavailable", null));
    }
    if (gate.circuit() != ProviderGate.Circuit.CLOSED) {
      throw new IllegalStateException("the circuit of " + name + " opened too early");
    }
    return this;
  }

  /** Enough failing calls (the breaker's minimum, all failed) to open the circuit. */
  ScriptedProvider withOpenCircuit() {
    for (int i = 0; i < 20; i++) {
      gate.send(null, () -> true, () -> new SendResult.Retry("http_503", "unavailable", null));
    }
    if (gate.circuit() != ProviderGate.Circuit.OPEN) {
      throw new IllegalStateException("the circuit of " + name + " did not open");
    }
    return this;
  }

  @Override
  public SendResult send(DeliveryMessage delivery, Rendered content) {
    sent.add(new Sent(delivery, content));
    return answer;
  }
}
