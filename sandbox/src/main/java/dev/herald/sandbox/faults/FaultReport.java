package dev.herald.sandbox.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes a fault run's results as {@code faults.json} and {@code faults.md}, from the run itself.
 */
final class FaultReport {
  private FaultReport() {}

  static void write(Path dir, boolean quick, Instant startedAt, List<FaultResult> results)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("mode", quick ? "quick" : "full");
    root.put("startedAt", startedAt.toString());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    ArrayNode rows = root.putArray("scenarios");
    for (FaultResult r : results) {
      rows.addObject()
          .put("scenario", r.scenario())
          .put("fault", r.fault())
          .put("deliveries", r.deliveries())
          .put("delivered", r.delivered())
          .put("lost", r.lost())
          .put("duplicated", r.duplicated())
          .put("duplicateWindow", r.duplicateWindow())
          .put("recoveryMs", r.recovery().toMillis())
          .put("elapsedMs", r.elapsed().toMillis())
          .put("note", r.note())
          .put("passed", r.passed());
    }
    Files.writeString(
        dir.resolve("faults.json"),
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    Files.writeString(dir.resolve("faults.md"), markdown(quick, startedAt, results));
  }

  static String markdown(boolean quick, Instant startedAt, List<FaultResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("`./herald faults")
        .append(quick ? " --quick" : "")
        .append("`, ")
        .append(startedAt)
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores\n\n");
    md.append(
        "| scenario | fault | sent | delivered | lost | duplicated (window) | time to recover | also measured |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (FaultResult r : results) {
      md.append(
          String.format(
              "| %s | %s | %,d | %,d | %d | %d (%d) | %.1f s | %s |%n",
              r.scenario(),
              r.fault(),
              r.deliveries(),
              r.delivered(),
              r.lost(),
              r.duplicated(),
              r.duplicateWindow(),
              r.recovery().toMillis() / 1000.0,
              r.note().isEmpty()
                  ? ""
                  : r.note() + (r.withinBound() ? "" : " **(beyond its bound)**")));
    }
    return md.toString();
  }
}
