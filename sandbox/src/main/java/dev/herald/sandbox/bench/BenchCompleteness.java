package dev.herald.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a {@code bench.json} is complete: a {@code mode}, and every figure of {@link
 * BenchKeys#REQUIRED} present as a positive number. {@code .ci/run} runs it after {@code ./herald
 * bench --quick}; it judges completeness only, never speed.
 */
public final class BenchCompleteness {
  private BenchCompleteness() {}

  /** What is missing or wrong in {@code bench}; empty when it is complete. */
  static List<String> problems(JsonNode bench) {
    List<String> problems = new ArrayList<>();
    if (bench == null || !bench.isObject()) {
      problems.add("bench.json is not a JSON object");
      return problems;
    }
    if (!bench.path("mode").isTextual() || bench.path("mode").asText().isBlank()) {
      problems.add("mode: missing");
    }
    for (String key : BenchKeys.REQUIRED.keySet()) {
      JsonNode value = bench.get(key);
      if (value == null || value.isNull()) {
        problems.add(key + ": missing");
      } else if (!value.isNumber()) {
        problems.add(key + ": not a number (" + value + ")");
      } else if (!(value.asDouble() > 0) || !Double.isFinite(value.asDouble())) {
        problems.add(key + ": not positive (" + value + ")");
      }
    }
    return problems;
  }

  /**
   * {@code BenchCompleteness <bench.json>}: exit 0 when complete, 1 (naming each problem)
   * otherwise.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchCompleteness <bench.json>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    if (!Files.isRegularFile(file)) {
      System.err.println(file + ": no such file");
      System.exit(1);
    }
    List<String> problems = problems(new ObjectMapper().readTree(file.toFile()));
    if (problems.isEmpty()) {
      System.out.println(
          file + ": complete (" + BenchKeys.REQUIRED.size() + " figures, every one positive)");
      return;
    }
    problems.forEach(p -> System.err.println(file + ": " + p));
    System.exit(1);
  }
}
