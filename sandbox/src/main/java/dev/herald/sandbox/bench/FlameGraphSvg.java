package dev.herald.sandbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flame graph of collapsed stacks as a self-contained SVG: each frame a box as wide as its share
 * of the samples, callers below callees, Herald's code in orange, the JDK's in blue and libraries'
 * in green; hovering a box shows its method and samples. (No async-profiler could be installed
 * here, so the bench draws its own from JFR's samples.)
 */
final class FlameGraphSvg {
  private static final int WIDTH = 1600;
  private static final int ROW = 16;

  /** Frames narrower than this many pixels are left out (with their callees). */
  private static final double MIN_WIDTH = 0.3;

  /** One frame of the merged call tree. */
  private static final class Node {
    final Map<String, Node> children = new LinkedHashMap<>();
    long samples;
  }

  private FlameGraphSvg() {}

  static void write(Path file, String title, Map<String, Long> collapsed) throws IOException {
    Node root = new Node();
    int depth = 0;
    for (Map.Entry<String, Long> e : collapsed.entrySet()) {
      Node n = root;
      n.samples += e.getValue();
      String[] frames = e.getKey().split(";");
      depth = Math.max(depth, frames.length);
      for (String f : frames) {
        n = n.children.computeIfAbsent(f, k -> new Node());
        n.samples += e.getValue();
      }
    }
    int height = (depth + 3) * ROW;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" font-family=\"monospace\" font-size=\"11\">\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fdfdf6\"/>\n");
    svg.append("<text x=\"10\" y=\"14\" font-size=\"13\">")
        .append(escape(title))
        .append(" — ")
        .append(root.samples)
        .append(" CPU samples (JFR jdk.ExecutionSample)</text>\n");
    if (root.samples > 0) {
      draw(svg, root, 0, WIDTH, height - ROW, root.samples);
    }
    svg.append("</svg>\n");
    Files.writeString(file, svg);
  }

  private static void draw(StringBuilder svg, Node node, double x, double width, int y, long all) {
    double cx = x;
    for (Map.Entry<String, Node> e : node.children.entrySet()) {
      double w = width * e.getValue().samples / node.samples;
      if (w >= MIN_WIDTH) {
        String name = e.getKey();
        svg.append(
            String.format(
                "<g><title>%s (%d samples, %.1f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                    + "height=\"%d\" fill=\"%s\" stroke=\"#fdfdf6\" stroke-width=\"0.5\"/>",
                escape(name),
                e.getValue().samples,
                100.0 * e.getValue().samples / all,
                cx,
                y - ROW,
                w,
                ROW - 1,
                color(name)));
        int chars = (int) (w / 7);
        if (chars >= 3) {
          String label =
              name.length() <= chars ? name : name.substring(0, Math.max(1, chars - 2)) + "..";
          svg.append(
              String.format("<text x=\"%.1f\" y=\"%d\">%s</text>", cx + 2, y - 4, escape(label)));
        }
        svg.append("</g>\n");
        draw(svg, e.getValue(), cx, w, y - ROW, all);
      }
      cx += w;
    }
  }

  private static String color(String frame) {
    int h = Math.abs(frame.hashCode() % 40);
    if (frame.startsWith("dev.herald.")) {
      return "rgb(240," + (120 + h) + ",40)";
    }
    if (frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.")) {
      return "rgb(" + (90 + h) + ",150,220)";
    }
    return "rgb(90," + (170 + h) + ",90)";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
