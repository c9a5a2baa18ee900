package dev.herald.sandbox.bench;

/**
 * The nearest-rank percentile of sorted values, the one definition every figure and plot of the
 * bench uses.
 */
final class Percentile {
  private Percentile() {}

  /** The smallest value with at least {@code p} % of the values at or below it; 0 for no values. */
  static double of(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.clamp((int) Math.ceil(p / 100.0 * sorted.length) - 1, 0, sorted.length - 1)];
  }
}
