package dev.herald.sandbox;

import dev.herald.api.campaign.Campaign;
import dev.herald.api.campaign.CampaignRun;
import dev.herald.api.campaign.CampaignStatus;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Watches the examples' Notifications and Campaigns and prints a line whenever one of them changes.
 */
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
        HasMetadata r = get(e);
        now.add(r instanceof Campaign c ? summary(c) : summary((Notification) r));
        all &= e.metBy(r);
      }
      for (int i = 0; i < now.size(); i++) {
        if (i >= last.size() || !Objects.equals(last.get(i), now.get(i))) {
          SandboxCommand.Expectation e = expectations.get(i);
          out.printf("  %-8s %-12s %-28s %s%n", e.namespace(), kind(e), e.name(), now.get(i));
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
    String format = "%-8s %-12s %-28s %-16s %5s %5s %6s %10s  %-4s %s%n";
    out.printf(
        "%n" + format,
        "NAMESPACE",
        "KIND",
        "NAME",
        "PHASE",
        "TOTAL",
        "SENT",
        "FAILED",
        "SUPPRESSED",
        "OK",
        "DETAIL");
    for (SandboxCommand.Expectation e : expectations) {
      HasMetadata r = get(e);
      String ok = e.metBy(r) ? "yes" : "NO (wants " + e.phase() + ")";
      if (r instanceof Campaign c) {
        CampaignStatus s = c.getStatus();
        CampaignRun run =
            s == null
                ? null
                : s.getActive() != null
                    ? s.getActive()
                    : s.getRecentRuns().isEmpty() ? null : s.getRecentRuns().get(0);
        out.printf(
            format,
            e.namespace(),
            kind(e),
            e.name(),
            run == null || run.getPhase() == null ? "-" : "run " + run.getPhase(),
            num(run == null ? null : run.getTotal()),
            num(run == null ? null : run.getSent()),
            num(run == null ? null : run.getFailed()),
            num(run == null ? null : run.getSuppressed()),
            ok,
            s == null || s.getNextScheduleTime() == null
                ? "no further run"
                : "next run " + s.getNextScheduleTime());
        continue;
      }
      Notification n = (Notification) r;
      NotificationStatus s = n == null ? null : n.getStatus();
      String accepted =
          s == null
              ? "-"
              : s.condition(NotificationStatus.ACCEPTED)
                  .map(c -> "Accepted " + c.getStatus() + " " + c.getReason())
                  .orElse("-");
      out.printf(
          format,
          e.namespace(),
          kind(e),
          e.name(),
          s == null ? "-" : s.getPhase(),
          num(s == null ? null : s.getTotal()),
          num(s == null ? null : s.getSent()),
          num(s == null ? null : s.getFailed()),
          num(s == null ? null : s.getSuppressed()),
          ok,
          accepted);
    }
  }

  private static String kind(SandboxCommand.Expectation e) {
    return e.kind().getSimpleName();
  }

  private HasMetadata get(SandboxCommand.Expectation e) {
    return client.resources(e.kind()).inNamespace(e.namespace()).withName(e.name()).get();
  }

  private static String summary(Campaign c) {
    if (c == null || c.getStatus() == null) {
      return "waiting for the operator";
    }
    CampaignStatus s = c.getStatus();
    String valid =
        s.condition(CampaignStatus.VALID)
            .filter(v -> "False".equals(v.getStatus()))
            .map(v -> " (" + v.getReason() + ": " + v.getMessage() + ")")
            .orElse("");
    String next = s.getNextScheduleTime() == null ? "" : ", next run " + s.getNextScheduleTime();
    if (s.getActive() != null) {
      CampaignRun a = s.getActive();
      return "run for "
          + a.getScheduledFor()
          + " Running  "
          + s.getProgress()
          + " finished, "
          + a.getSent()
          + " sent"
          + next;
    }
    if (!s.getRecentRuns().isEmpty()) {
      CampaignRun last = s.getRecentRuns().get(0);
      return "run for "
          + last.getScheduledFor()
          + " "
          + last.getPhase()
          + String.format(
              "  %d/%d sent, %d failed", last.getSent(), last.getTotal(), last.getFailed())
          + next;
    }
    return "no run yet" + next + valid;
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
