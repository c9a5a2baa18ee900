package dev.herald.sandbox.process;

import dev.herald.sandbox.nats.PrivateNats;
import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.postgres.PrivatePostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Run in a JVM of its own by {@link ProcessHygieneTest}: starts a private PostgreSQL, a private
 * nats-server and a shell with two children of its own, registers a shutdown action that writes to
 * the file named by its second argument whether the servers were still up when it ran, prints their
 * pids on one line starting with {@code READY}, then waits to be killed.
 */
public final class HygieneProbe {
  private HygieneProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrivatePostgres pg = PrivatePostgres.start(dir.resolve("postgres"));
    PrivateNats nats = PrivateNats.start(dir.resolve("nats"));
    Path marker = Path.of(args[1]);
    ProcessHygiene.addShutdownAction(
        () -> {
          // what an orchestrator does here: stop what uses the servers, while they are still up
          boolean up =
              pg.isRunning()
                  && nats.isRunning()
                  && LoopbackPorts.accepts(pg.port(), Duration.ofSeconds(1))
                  && LoopbackPorts.accepts(nats.port(), Duration.ofSeconds(1));
          try {
            Files.writeString(marker, up ? "servers up" : "servers down");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    ManagedProcess shell =
        ProcessHygiene.start(
            "shell",
            new ProcessBuilder("bash", "-c", "sleep 300 & sleep 300 & wait"),
            StopSignal.TERM,
            Duration.ofSeconds(2));
    List<ProcessHandle> sleeps;
    do {
      sleeps = shell.process().toHandle().children().toList();
      Thread.onSpinWait();
    } while (sleeps.size() < 2);
    StringBuilder line = new StringBuilder("READY");
    line.append(' ')
        .append(pg.pid())
        .append(' ')
        .append(nats.pid())
        .append(' ')
        .append(shell.pid());
    sleeps.forEach(s -> line.append(' ').append(s.pid()));
    System.out.println(line);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
