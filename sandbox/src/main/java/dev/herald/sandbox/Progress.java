package dev.herald.sandbox;

import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Watches the examples' Notifications and prints a line whenever one of them changes. */
final class Progress {
  private final KubernetesClient client;
  private final List<SandboxCommand.Expectation> expectations;
  private final PrintStream out;

  Progress(
      KubernetesClient client, List<SandboxCommand.Expectation> expectations, PrintStream out) {
    this.client = client;
    this.expectations = expectations;
    this.out = out;
  }

  /** Polls until every expectation holds or the time is up; returns whether they all hold. */
  boolean await(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    List<String> last = new ArrayList<>();
    while (true) {
      List<String> now = new ArrayList<>();
      boolean all = true;
      for (SandboxCommand.Expectation e : expectations) {
        Notification n = get(e);
        now.add(summary(n));
        all &= e.metBy(n);
      }
      for (int i = 0; i < now.size(); i++) {
        if (i >= last.size() || !Objects.equals(last.get(i), now.get(i))) {
          SandboxCommand.Expectation e = expectations.get(i);
          out.printf("  %-8s %-28s %s%n", e.namespace(), e.name(), now.get(i));
        }
      }
      last = now;
      if (all) {
        return true;
      }
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(300);
    }
  }

  void printFinal() {
    out.printf(
        "%n%-8s %-28s %-16s %5s %5s %6s %10s  %-4s %s%n",
        "NAMESPACE", "NAME", "PHASE", "TOTAL", "SENT", "FAILED", "SUPPRESSED", "OK", "ACCEPTED");
    for (SandboxCommand.Expectation e : expectations) {
      Notification n = get(e);
      NotificationStatus s = n == null ? null : n.getStatus();
      String accepted =
          s == null
              ? "-"
              : s.condition(NotificationStatus.ACCEPTED)
                  .map(c -> c.getStatus() + " " + c.getReason())
                  .orElse("-");
      out.printf(
          "%-8s %-28s %-16s %5s %5s %6s %10s  %-4s %s%n",
          e.namespace(),
          e.name(),
          s == null ? "-" : s.getPhase(),
          num(s == null ? null : s.getTotal()),
          num(s == null ? null : s.getSent()),
          num(s == null ? null : s.getFailed()),
          num(s == null ? null : s.getSuppressed()),
          e.metBy(n) ? "yes" : "NO (wants " + e.phase() + ")",
          accepted);
    }
  }

  private Notification get(SandboxCommand.Expectation e) {
    return client.resources(Notification.class).inNamespace(e.namespace()).withName(e.name()).get();
  }

  private static String summary(Notification n) {
    if (n == null || n.getStatus() == null) {
      return "waiting for the operator";
    }
    NotificationStatus s = n.getStatus();
    String accepted =
        s.condition(NotificationStatus.ACCEPTED)
            .map(
                c ->
                    "False".equals(c.getStatus())
                        ? " (" + c.getReason() + ": " + c.getMessage() + ")"
                        : "")
            .orElse("");
    return s.getPhase()
        + (s.getTotal() == null
            ? ""
            : String.format("  %d/%d sent, %d failed", s.getSent(), s.getTotal(), s.getFailed()))
        + accepted;
  }

  private static String num(Long n) {
    return n == null ? "-" : n.toString();
  }
}
