package dev.herald.sandbox.bench;

import dev.herald.sandbox.process.ProcessHygiene;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald bench}: Herald's throughput and latency on this machine, beside the raw ceilings
 * of its own broker and database measured in the same run on the same servers.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures Herald end to end (operator and dispatchers in JVMs of their own) beside the raw ceilings "
            + "of its nats-server and Postgres; writes bench.json, bench.md, PNG plots and JFR profiles.")
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--quick",
      description =
          "Smaller runs (about two and a half minutes on 2 cores), for CI; every figure is still measured.")
  boolean quick;

  @Option(
      names = "--out",
      defaultValue = ".herald/bench",
      description = "Where the results go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--dispatchers",
      defaultValue = "2",
      description = "Dispatcher processes (default: ${DEFAULT-VALUE}).")
  int dispatchers;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ProcessHygiene.addShutdownAction(ProcessHygiene::stopAll);
    String command =
        "./herald bench"
            + (quick ? " --quick" : "")
            + (dispatchers == 2 ? "" : " --dispatchers " + dispatchers);
    BenchPlan plan = quick ? BenchPlan.quick() : BenchPlan.full();
    System.out.printf("Herald bench, %s mode: results in %s%n", plan.mode(), out.toAbsolutePath());
    BenchRun run = new Bench(plan, out, dispatchers, System.out).run();
    BenchReport.write(out, run, command);
    System.out.println();
    System.out.print(
        BenchMarkdown.of(run, command)
            .lines()
            .takeWhile(l -> !l.startsWith("## Latency"))
            .reduce("", (a, b) -> a + b + "\n"));
    System.out.println(
        "Written: "
            + String.join(
                ", ",
                List.of(
                    out.resolve("bench.json").toString(),
                    out.resolve("bench.md").toString(),
                    out.resolve(BenchReport.THROUGHPUT_PNG).toString(),
                    out.resolve(BenchReport.LATENCY_PNG).toString(),
                    out.resolve("profile").toString() + "/")));
    List<String> problems =
        BenchCompleteness.problems(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("bench.json").toFile()));
    problems.forEach(p -> System.out.println("incomplete: " + p));
    return problems.isEmpty() ? 0 : 1;
  }
}
