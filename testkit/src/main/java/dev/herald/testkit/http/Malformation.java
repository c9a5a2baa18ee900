package dev.herald.testkit.http;

/** How a simulator breaks a response on request. */
public enum Malformation {
  /** 200 with {@code Content-Type: application/json} but an HTML body, as from a broken proxy. */
  GARBAGE_BODY,
  /**
   * A success status announcing a body longer than what is sent before the connection is closed.
   */
  TRUNCATED
}
