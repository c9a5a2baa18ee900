package dev.herald.sandbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time and resident memory of the processes the bench runs, read from Linux's {@code
 * /proc/<pid>/stat} (clock ticks) and {@code /proc/<pid>/status} ({@code VmRSS}). A role
 * ("postgres") may be several processes: Postgres' backends are children of the postmaster, so a
 * role's CPU counts each process's own time, the time of its children already reaped ({@code
 * cutime}, {@code cstime}) and that of its live children.
 */
final class ProcessMeter {
  /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux the bench runs on. */
  private static final double TICKS_PER_SECOND = ticksPerSecond();

  private final Supplier<Map<String, List<Long>>> roles;

  /**
   * @param roles the process ids of each role now (dispatchers may come and go)
   */
  ProcessMeter(Supplier<Map<String, List<Long>>> roles) {
    this.roles = roles;
  }

  /**
   * CPU seconds used so far, by role. A live child that is a role of its own (the operator, the
   * dispatchers, nats-server: children of the bench's JVM, which started them) counts for that role
   * only, not for its parent's too.
   */
  Map<String, Double> cpuSeconds() {
    Map<String, List<Long>> now = roles.get();
    java.util.Set<Long> ofARole = new java.util.HashSet<>();
    now.values().forEach(ofARole::addAll);
    Map<String, Double> cpu = new LinkedHashMap<>();
    now.forEach(
        (role, pids) ->
            cpu.put(role, pids.stream().mapToDouble(p -> cpuWithChildren(p, ofARole)).sum()));
    return cpu;
  }

  /**
   * Resident memory in MB of each process of each role, by role: the largest of the role's
   * processes.
   */
  Map<String, Double> largestRssMb() {
    Map<String, Double> rss = new LinkedHashMap<>();
    roles
        .get()
        .forEach(
            (role, pids) ->
                rss.put(role, pids.stream().mapToDouble(ProcessMeter::rssMb).max().orElse(0)));
    return rss;
  }

  /** The difference of two {@link #cpuSeconds()} readings, by role. */
  static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> d = new LinkedHashMap<>();
    after.forEach((role, seconds) -> d.put(role, seconds - before.getOrDefault(role, 0.0)));
    return d;
  }

  static double cpuWithChildren(long pid, java.util.Set<Long> counted) {
    double own = cpuSeconds(pid, true);
    return own
        + ProcessHandle.of(pid)
            .map(
                h ->
                    h.children()
                        .filter(c -> !counted.contains(c.pid()))
                        .mapToDouble(c -> cpuSeconds(c.pid(), true))
                        .sum())
            .orElse(0.0);
  }

  /**
   * utime + stime (+ cutime + cstime when {@code withReaped}) of one process, in seconds; 0 once it
   * is gone.
   */
  static double cpuSeconds(long pid, boolean withReaped) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) is in parentheses and may hold spaces: count fields after it
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      if (withReaped) {
        ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
      return ticks / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** VmRSS in MB; 0 once the process is gone. */
  static double rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  private static final java.util.regex.Pattern HEAP_USED =
      java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K");

  /**
   * The live heap of a JVM of this machine in MB: {@code jcmd <pid> GC.run} (a full collection,
   * some hundred milliseconds for the operator's heap), then the generations' {@code used} as
   * {@code GC.heap_info} reports them — what survives a full GC, so that two readings compare what
   * the process keeps rather than where its collector happened to be. 0 when jcmd cannot attach.
   */
  static double liveHeapMb(long pid) {
    Path jcmd =
        Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
    if (jcmd(jcmd, pid, "GC.run") == null) {
      return 0;
    }
    String info = jcmd(jcmd, pid, "GC.heap_info");
    if (info == null) {
      return 0;
    }
    // "DefNew total 116224K, used 0K [...]", "Tenured total 258048K, used 3054K [...]" (G1:
    // "garbage-first
    // heap total …"); the spaces below them (eden, from, to) and Metaspace are written otherwise
    long usedKb = 0;
    java.util.regex.Matcher m = HEAP_USED.matcher(info);
    while (m.find()) {
      usedKb += Long.parseLong(m.group(1));
    }
    return usedKb / 1024.0;
  }

  private static String jcmd(Path jcmd, long pid, String command) {
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static double ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
