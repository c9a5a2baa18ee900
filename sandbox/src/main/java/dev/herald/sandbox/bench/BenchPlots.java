package dev.herald.sandbox.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The bench's two pictures, drawn with Java2D: deliveries per second over the run, and the one-time
 * passwords' latencies.
 */
final class BenchPlots {
  private static final int W = 1000;
  private static final int H = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] SERIES = {
    new Color(0xE0, 0x6C, 0x1F), new Color(0x1F, 0x6F, 0xB4), new Color(0x2E, 0x9E, 0x4F)
  };

  /** A labelled span of the time axis (a phase). */
  record Span(String label, double fromSecond, double toSecond) {}

  /** A named series of latencies (milliseconds, sorted). */
  record Series(String label, double[] sortedMs) {}

  private BenchPlots() {}

  /**
   * Deliveries recorded sent per second over the run ({@code perSecond[i]} in second {@code i}),
   * the phases shaded behind.
   */
  static void throughput(Path file, String title, long[] perSecond, List<Span> phases)
      throws IOException {
    BufferedImage img = canvas();
    Graphics2D g = graphics(img);
    double maxY = 1;
    for (long v : perSecond) {
      maxY = Math.max(maxY, v);
    }
    maxY = niceCeiling(maxY * 1.1);
    double maxX = niceCeiling(Math.max(1, perSecond.length));
    for (int i = 0; i < phases.size(); i++) {
      Span s = phases.get(i);
      int x0 = x(s.fromSecond(), maxX);
      int x1 = x(s.toSecond(), maxX);
      g.setColor(i % 2 == 0 ? new Color(0xF1, 0xF1, 0xEA) : new Color(0xE6, 0xEC, 0xF2));
      g.fillRect(x0, TOP, Math.max(1, x1 - x0), H - TOP - BOTTOM);
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(s.label(), x0 + 3, TOP + 14 + (i % 3) * 13);
    }
    axes(
        g,
        title,
        "seconds since the first e2e phase began",
        "deliveries recorded sent per second",
        maxX,
        maxY);
    g.setColor(SERIES[0]);
    g.setStroke(new BasicStroke(2f));
    for (int i = 1; i < perSecond.length; i++) {
      g.drawLine(
          x(i - 0.5, maxX), y(perSecond[i - 1], maxY), x(i + 0.5, maxX), y(perSecond[i], maxY));
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** The share of sends that arrived within each latency, one line per series. */
  static void latencyDistribution(Path file, String title, List<Series> series) throws IOException {
    BufferedImage img = canvas();
    Graphics2D g = graphics(img);
    double maxX = 1;
    for (Series s : series) {
      if (s.sortedMs().length > 0) {
        maxX = Math.max(maxX, s.sortedMs()[s.sortedMs().length - 1]);
      }
    }
    maxX = niceCeiling(maxX * 1.05);
    axes(
        g,
        title,
        "milliseconds from the API's acceptance to the simulator",
        "share of one-time passwords arrived (%)",
        maxX,
        100);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double[] ms = s.sortedMs();
      g.setColor(SERIES[i % SERIES.length]);
      g.setStroke(new BasicStroke(2f));
      for (int k = 1; k < ms.length; k++) {
        g.drawLine(
            x(ms[k - 1], maxX),
            y(100.0 * k / ms.length, 100),
            x(ms[k], maxX),
            y(100.0 * (k + 1) / ms.length, 100));
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      String p =
          ms.length == 0
              ? "no data"
              : String.format(
                  "p50 %.0f ms, p99 %.0f ms", Percentile.of(ms, 50), Percentile.of(ms, 99));
      g.drawString(s.label() + " (" + ms.length + "): " + p, LEFT + 20, H - BOTTOM - 40 + i * 16);
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static BufferedImage canvas() {
    return new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    return g;
  }

  private static void axes(
      Graphics2D g, String title, String xLabel, String yLabel, double maxX, double maxY) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setStroke(new BasicStroke(1f));
    g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
    g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
    for (int i = 0; i <= 5; i++) {
      double vx = maxX * i / 5;
      double vy = maxY * i / 5;
      g.setColor(new Color(0xDD, 0xDD, 0xDD));
      g.drawLine(LEFT + 1, y(vy, maxY), W - RIGHT, y(vy, maxY));
      g.setColor(Color.BLACK);
      g.drawString(format(vx), x(vx, maxX) - 10, H - BOTTOM + 16);
      g.drawString(
          format(vy), LEFT - 8 - g.getFontMetrics().stringWidth(format(vy)), y(vy, maxY) + 4);
    }
    g.drawString(
        xLabel, LEFT + (W - LEFT - RIGHT) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 20);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    r.drawString(
        yLabel, -(TOP + (H - TOP - BOTTOM) / 2) - r.getFontMetrics().stringWidth(yLabel) / 2, 18);
    r.dispose();
  }

  private static String format(double v) {
    return v >= 100 || v == Math.rint(v) ? String.format("%,.0f", v) : String.format("%.1f", v);
  }

  private static int x(double v, double maxX) {
    return LEFT + (int) Math.round((W - LEFT - RIGHT) * Math.min(v, maxX) / maxX);
  }

  private static int y(double v, double maxY) {
    return H - BOTTOM - (int) Math.round((H - TOP - BOTTOM) * Math.min(v, maxY) / maxY);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
