package dev.herald.sandbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a process's CPU time went, from the {@code jdk.ExecutionSample} events of its JFR
 * recordings (Java threads on CPU, sampled every 10 ms with {@code settings=profile}): the samples
 * as collapsed stacks ({@code root;…;leaf count}, the input of flame-graph tools), the methods most
 * often on top of a stack (self time) and those most often anywhere in it (total).
 */
final class JfrProfile {
  /** A method and the share of samples it had. */
  record Hot(String method, long samples, double share) {}

  private static final java.util.regex.Pattern LAMBDA_ADDRESS =
      java.util.regex.Pattern.compile("\\$\\$Lambda[./][0-9a-fx/.]*");

  private final Map<String, Long> collapsed = new HashMap<>();
  private final Map<String, Long> self = new HashMap<>();
  private final Map<String, Long> total = new HashMap<>();
  private long samples;

  /**
   * Reads the samples taken between {@code from} and {@code to} (the load, not the start-up) in
   * every recording in {@code recordings} (one process's, or several of one kind merged).
   */
  static JfrProfile read(List<Path> recordings, java.time.Instant from, java.time.Instant to)
      throws IOException {
    JfrProfile p = new JfrProfile();
    for (Path file : recordings) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      try (RecordingFile in = new RecordingFile(file)) {
        while (in.hasMoreEvents()) {
          RecordedEvent e = in.readEvent();
          if (e.getEventType().getName().equals("jdk.ExecutionSample")
              && e.getStackTrace() != null
              && !e.getStartTime().isBefore(from)
              && !e.getStartTime().isAfter(to)) {
            p.add(e.getStackTrace().getFrames());
          }
        }
      }
    }
    return p;
  }

  private void add(List<RecordedFrame> topFirst) {
    if (topFirst.isEmpty()) {
      return;
    }
    samples++;
    List<String> names = new ArrayList<>(topFirst.size());
    for (RecordedFrame f : topFirst) {
      names.add(name(f));
    }
    self.merge(names.get(0), 1L, Long::sum);
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (seen.add(n)) {
        total.merge(n, 1L, Long::sum);
      }
    }
    StringBuilder stack = new StringBuilder();
    for (int i = names.size() - 1; i >= 0; i--) {
      stack
          .append(stack.isEmpty() ? "" : ";")
          .append(names.get(i).replace(';', ':').replace(' ', '_'));
    }
    collapsed.merge(stack.toString(), 1L, Long::sum);
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    if (m == null) {
      return "[unknown]";
    }
    // a lambda's class is named after its address (Foo$$Lambda.0x0000…): one name for all its
    // copies
    String type =
        m.getType() == null
            ? "?"
            : LAMBDA_ADDRESS.matcher(m.getType().getName()).replaceAll("\\$\\$Lambda");
    return type + "." + m.getName();
  }

  long samples() {
    return samples;
  }

  /** The methods most often on top of the stack. */
  List<Hot> topSelf(int n) {
    return top(self, n);
  }

  /**
   * Self time by package (its first three names, e.g. {@code io.netty.handler}, {@code
   * dev.herald.dispatcher}): which library the CPU is spent in, which a flat list of methods hides.
   */
  List<Hot> topSelfByPackage(int n) {
    Map<String, Long> byPackage = new HashMap<>();
    self.forEach((method, count) -> byPackage.merge(packageOf(method), count, Long::sum));
    return top(byPackage, n);
  }

  static String packageOf(String method) {
    String type = method.substring(0, Math.max(0, method.lastIndexOf('.')));
    String pkg = type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : "(default)";
    String[] parts = pkg.split("\\.");
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(3, parts.length)));
  }

  /** The methods most often anywhere on the stack, of Herald's own code when {@code heraldOnly}. */
  List<Hot> topTotal(int n, boolean heraldOnly) {
    Map<String, Long> chosen =
        heraldOnly
            ? total.entrySet().stream()
                .filter(e -> e.getKey().startsWith("dev.herald."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))
            : total;
    return top(chosen, n);
  }

  private List<Hot> top(Map<String, Long> counts, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n)
        .map(
            e ->
                new Hot(
                    e.getKey(), e.getValue(), samples == 0 ? 0 : (double) e.getValue() / samples))
        .toList();
  }

  /** The collapsed stacks, biggest first. */
  Map<String, Long> collapsed() {
    Map<String, Long> sorted = new LinkedHashMap<>();
    collapsed.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  void writeCollapsed(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    collapsed().forEach((stack, count) -> out.append(stack).append(' ').append(count).append('\n'));
    Files.writeString(file, out);
  }
}
