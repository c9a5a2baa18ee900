package dev.herald.sandbox.faults;

import dev.herald.sandbox.process.ProcessHygiene;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./herald faults}: starts Herald's processes and their servers on this machine, breaks them
 * while real traffic flows, and counts at the simulator what every delivery received.
 */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description =
        "Kill, restart and pause Herald's processes and servers mid-run; count what was lost and doubled.")
public final class FaultsCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Smaller runs (a few thousand deliveries each), for CI.")
  boolean quick;

  @Option(
      names = "--only",
      split = ",",
      description = "Only these scenarios (comma-separated names).")
  java.util.Set<String> only = java.util.Set.of();

  @Option(
      names = "--out",
      defaultValue = ".herald/faults",
      description = "Where faults.json and faults.md go (default: ${DEFAULT-VALUE}).")
  Path out;

  public static void main(String[] args) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new FaultsCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return run(quick, out, only) ? 0 : 1;
  }

  public static boolean run(boolean quick, Path out) throws Exception {
    return run(quick, out, java.util.Set.of());
  }

  /** Runs the suite; true when every scenario lost nothing and doubled no more than its window. */
  public static boolean run(boolean quick, Path out, java.util.Set<String> only) throws Exception {
    Path state = out.resolve("state").toAbsolutePath();
    wipe(state);
    ProcessHygiene.addShutdownAction(ProcessHygiene::stopAll);
    Instant started = Instant.now();
    List<FaultResult> results = new FaultSuite(quick, System.out, only).run(state);
    FaultReport.write(out, quick, started, results);
    System.out.println();
    System.out.print(FaultReport.markdown(quick, started, results));
    System.out.println(
        "\nWritten: " + out.resolve("faults.json") + ", " + out.resolve("faults.md"));
    return results.stream().allMatch(FaultResult::passed);
  }

  private static void wipe(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
