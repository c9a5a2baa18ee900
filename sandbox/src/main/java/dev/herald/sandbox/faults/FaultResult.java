package dev.herald.sandbox.faults;

import java.time.Duration;

/**
 * What one scenario did to Herald, counted at the simulator.
 *
 * @param deliveries deliveries the scenario asked for
 * @param delivered distinct deliveries the simulator received
 * @param lost deliveries the simulator never received
 * @param duplicated mails beyond the first of a delivery
 * @param duplicateWindow the most duplicates the fault allows: provider calls under way at the
 *     moment of each fault (a call the provider accepted and whose outcome was never recorded)
 * @param recovery from the end of the (last) fault to the first mail accepted after it
 * @param elapsed the whole scenario, traffic included
 * @param note what else the scenario measured (a latency and its bound, calls made while told to
 *     wait)
 * @param withinBound whether what the note measured stayed within the scenario's stated bound
 */
record FaultResult(
    String scenario,
    String fault,
    int deliveries,
    int delivered,
    int lost,
    int duplicated,
    int duplicateWindow,
    Duration recovery,
    Duration elapsed,
    String note,
    boolean withinBound) {

  boolean passed() {
    return lost == 0 && duplicated <= duplicateWindow && withinBound;
  }
}
