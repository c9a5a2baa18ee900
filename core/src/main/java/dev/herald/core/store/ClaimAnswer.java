package dev.herald.core.store;

import java.time.Duration;

/** What claiming a delivery for sending found, when it was not already finished. */
public sealed interface ClaimAnswer permits Claim, ClaimAnswer.HeldElsewhere {
  /**
   * Another dispatcher claimed it within the lease: this copy of its message comes back once the
   * lease has run out, and is claimed then if that dispatcher died before recording an outcome.
   */
  record HeldElsewhere(Duration leaseLeft) implements ClaimAnswer {}
}
