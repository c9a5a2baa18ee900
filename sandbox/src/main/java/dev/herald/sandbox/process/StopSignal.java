package dev.herald.sandbox.process;

/**
 * The POSIX signal that asks a child process to stop. Each server has its own polite one:
 * PostgreSQL shuts down fast (rolls back open transactions, checkpoints) on {@link #INT}, while
 * {@link #TERM} would wait for every client to disconnect; nats-server stops cleanly on {@link
 * #TERM} or {@link #INT}.
 */
public enum StopSignal {
  /** SIGINT (2). PostgreSQL: fast shutdown. */
  INT(2),
  /** SIGTERM (15). The default for most servers; PostgreSQL: smart shutdown (waits for clients). */
  TERM(15),
  /** SIGQUIT (3). PostgreSQL: immediate shutdown (crash recovery at next start). */
  QUIT(3),
  /** SIGKILL (9). Cannot be caught; nothing is flushed. */
  KILL(9);

  private final int number;

  StopSignal(int number) {
    this.number = number;
  }

  /** The signal's number on Linux. */
  public int number() {
    return number;
  }
}
