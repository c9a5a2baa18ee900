package dev.herald.sandbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's {@code bench.json} (the flat figures of {@link BenchKeys}, then the details),
 * {@code bench.md}, the two PNG plots and, per kind of Herald process, its collapsed stacks and a
 * flame graph.
 */
final class BenchReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String THROUGHPUT_PNG = "deliveries-per-second.png";
  static final String LATENCY_PNG = "otp-latency.png";

  private BenchReport() {}

  static void write(Path dir, BenchRun run, String command) throws IOException {
    Files.createDirectories(dir);
    Map<String, Double> figures = run.figures();
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", run.plan().mode());
    figures.forEach((k, v) -> root.put(k, round(v)));
    root.put("command", command);
    root.put("started_at", run.startedAt().toString());
    root.put("elapsed_s", round(run.elapsed().toMillis() / 1000.0));
    BenchRun.Machine m = run.machine();
    root.putObject("machine")
        .put("cores", m.cores())
        .put("memory_gb", round(m.memoryGb()))
        .put("cpu", m.cpu())
        .put("os", m.os())
        .put("java", m.java())
        .put("load_average_at_start", m.loadAtStart())
        .put("load_average_at_end", m.loadAtEnd());
    root.put("dispatchers", run.dispatchers());
    root.putObject("herald_jvm_options")
        .put("operator", String.join(" ", BenchSystem.OPERATOR_JVM))
        .put("dispatcher", String.join(" ", BenchSystem.DISPATCHER_JVM));
    root.set(
        "plan",
        JSON.valueToTree(
            Map.of(
                "raw_messages",
                run.plan().rawMessages(),
                "raw_rows",
                run.plan().rawRows(),
                "otp_sends",
                run.plan().otpSends(),
                "bulk_drain",
                run.plan().bulkDrain(),
                "api_clients",
                run.plan().apiKeys() * run.plan().apiClientsPerKey(),
                "api_seconds",
                run.plan().apiTime().toSeconds())));
    var phases = root.putArray("phases");
    List<BulkPhase.Result> all = new ArrayList<>(run.e2e());
    all.add(run.bulkDrain());
    for (BulkPhase.Result p : all) {
      ObjectNode n =
          phases
              .addObject()
              .put("name", p.name())
              .put("channels", String.join("+", p.channels()))
              .put("deliveries", p.deliveries())
              .put("sent", p.sentAtMillis().length)
              .put("not_sent", p.notSent())
              .put("steady_per_s", round(p.steadyPerSecond()))
              .put("accept_to_last_sent_s", round(p.wallSeconds()));
      ObjectNode cpu = n.putObject("cpu_s");
      p.cpuSeconds().forEach((role, s) -> cpu.put(role, round(s)));
    }
    root.putObject("otp")
        .put("idle_sent", run.otpIdle().sent())
        .put("idle_received", run.otpIdle().received())
        .put("under_bulk_sent", run.otpUnderBulk().sent())
        .put("under_bulk_received", run.otpUnderBulk().received())
        .put("under_bulk_sent_while_draining", run.otpUnderBulk().sentWhileBusy())
        .put("idle_max_ms", round(run.otpIdle().percentile(100)))
        .put("under_bulk_max_ms", round(run.otpUnderBulk().percentile(100)));
    FanOutPhase.Result fo = run.fanOut();
    ObjectNode fanOut =
        root.putObject("fanout")
            .put("namespace", FanOutPhase.NAMESPACE)
            .put("users", fo.users())
            .put("import_s", round(fo.importSeconds()))
            .put("import_users_per_s", round(fo.users() / Math.max(0.001, fo.importSeconds())))
            .put("deliveries", fo.deliveries())
            .put("created_to_run_start_s", round(fo.createdToStartSeconds()))
            .put("run_start_to_last_page_s", round(fo.writtenSeconds()))
            .put("run_start_to_all_queued_s", round(fo.queuedSeconds()))
            .put("run_start_to_last_sent_s", round(fo.drainSeconds()))
            .put("sent", fo.sent())
            .put("otp_sent", fo.otp().sent())
            .put("otp_received", fo.otp().received())
            .put("otp_sent_while_draining", fo.otp().sentWhileBusy())
            .put("otp_max_ms", round(fo.otp().percentile(100)));
    ObjectNode fanOutCpu = fanOut.putObject("cpu_s_to_all_queued");
    fo.cpuSeconds().forEach((role, sec) -> fanOutCpu.put(role, round(sec)));
    root.putObject("api")
        .put("clients", run.api().clients())
        .put("accepted", run.api().accepted())
        .put("refused", run.api().refused());
    ObjectNode ceilings = root.putObject("simulator_failed_requests");
    run.ceilings().forEach((name, c) -> ceilings.put(name, c.failed()));
    ObjectNode profile = root.putObject("profile");
    run.profiles().forEach((kind, p) -> profile.put(kind + "_samples", p.samples()));
    Files.writeString(dir.resolve("bench.json"), JSON.writeValueAsString(root) + "\n");

    writePlots(dir, run);
    for (Map.Entry<String, JfrProfile> p : run.profiles().entrySet()) {
      Path profileDir = dir.resolve("profile");
      Files.createDirectories(profileDir);
      p.getValue().writeCollapsed(profileDir.resolve(p.getKey() + ".collapsed"));
      FlameGraphSvg.write(
          profileDir.resolve(p.getKey() + "-flame.svg"),
          p.getKey().equals(Bench.FANOUT_PROFILE)
              ? "Herald operator, campaign fan-out (its creation to every delivery queued)"
              : "Herald " + p.getKey() + "s, whole bench run",
          p.getValue().collapsed());
    }
    Files.writeString(dir.resolve("bench.md"), BenchMarkdown.of(run, command));
  }

  private static void writePlots(Path dir, BenchRun run) throws IOException {
    List<BulkPhase.Result> phases = new ArrayList<>(run.e2e());
    phases.add(run.bulkDrain());
    long origin = phases.get(0).firstAccepted().toEpochMilli();
    long end = origin;
    for (BulkPhase.Result p : phases) {
      if (p.sentAtMillis().length > 0) {
        end = Math.max(end, p.sentAtMillis()[p.sentAtMillis().length - 1]);
      }
    }
    long[] perSecond = new long[(int) ((end - origin) / 1000) + 1];
    List<BenchPlots.Span> spans = new ArrayList<>();
    for (BulkPhase.Result p : phases) {
      for (long t : p.sentAtMillis()) {
        int s = (int) ((t - origin) / 1000);
        if (s >= 0 && s < perSecond.length) {
          perSecond[s]++;
        }
      }
      spans.add(
          new BenchPlots.Span(
              p.name(),
              (p.firstAccepted().toEpochMilli() - origin) / 1000.0,
              (p.lastSent().toEpochMilli() - origin) / 1000.0));
    }
    BenchPlots.throughput(
        dir.resolve(THROUGHPUT_PNG),
        "Herald: deliveries recorded sent per second ("
            + run.plan().mode()
            + " run, "
            + run.machine().cores()
            + " cores)",
        perSecond,
        spans);
    BenchPlots.latencyDistribution(
        dir.resolve(LATENCY_PNG),
        "High-priority one-time passwords: accept → at the simulator",
        List.of(
            new BenchPlots.Series("idle", run.otpIdle().sortedMs()),
            new BenchPlots.Series(
                String.format("over a %,d-delivery bulk drain", run.plan().bulkDrain()),
                run.otpUnderBulk().sortedMs()),
            new BenchPlots.Series(
                String.format("over a campaign to %,d users", run.fanOut().users()),
                run.fanOut().otp().sortedMs())));
  }

  static double round(double v) {
    if (!Double.isFinite(v)) {
      return 0;
    }
    double scale = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 100 : 10_000;
    return Math.round(v * scale) / scale;
  }
}
