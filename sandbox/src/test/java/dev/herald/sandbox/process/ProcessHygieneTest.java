package dev.herald.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessHygieneTest {
  /** Shared, so the second probe reuses the PostgreSQL data directory the first initialised. */
  @TempDir static Path dir;

  @Test
  void stopsAProcessAndItsDescendants() throws Exception {
    ManagedProcess shell =
        ProcessHygiene.start(
            "shell",
            new ProcessBuilder("bash", "-c", "trap '' TERM; sleep 300 & sleep 300 & wait"),
            StopSignal.TERM,
            Duration.ofMillis(300));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> shell.process().toHandle().children().count() == 2);
    List<ProcessHandle> tree = shell.process().toHandle().descendants().toList();
    assertThat(ProcessHygiene.live()).contains(shell);

    boolean polite = shell.stop();

    assertThat(polite).as("the shell ignores SIGTERM, so it had to be killed").isFalse();
    assertThat(shell.isAlive()).isFalse();
    assertThat(tree).allSatisfy(h -> assertThat(h.isAlive()).isFalse());
    assertThat(ProcessHygiene.live()).doesNotContain(shell);
    assertThat(shell.stop()).isFalse(); // idempotent
  }

  @Test
  void sendsTheProcessItsOwnStopSignal() throws Exception {
    Path marker = dir.resolve("got-int");
    ManagedProcess shell =
        ProcessHygiene.start(
            "shell",
            new ProcessBuilder(
                "bash",
                "-c",
                "trap 'echo INT > "
                    + marker
                    + "; exit 0' INT; echo up; while :; do sleep 0.05; done"),
            StopSignal.INT,
            Duration.ofSeconds(10));
    new BufferedReader(new InputStreamReader(shell.process().getInputStream())).readLine();

    assertThat(shell.stop()).isTrue();
    assertThat(marker).hasContent("INT");
  }

  @Test
  void ctrlCOnTheJvmLeavesNoProcessBehind() throws Exception {
    Probe probe = Probe.start(dir);
    List<ProcessHandle> all = probe.everything();
    assertThat(all).allSatisfy(h -> assertThat(h.isAlive()).isTrue());

    ProcessHygiene.signal(probe.jvm.pid(), StopSignal.INT); // what Ctrl-C sends

    assertThat(probe.jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(all).noneMatch(ProcessHandle::isAlive));
    assertThat(probe.marker())
        .as("the shutdown action ran before the servers were stopped")
        .hasContent("servers up");
  }

  @Test
  void killingTheJvmOutrightStillStopsItsServers() throws Exception {
    Probe probe = Probe.start(dir);
    List<ProcessHandle> servers = probe.serversAndTheirChildren();
    List<ProcessHandle> everything = probe.everything();
    assertThat(servers).allSatisfy(h -> assertThat(h.isAlive()).isTrue());

    probe.jvm.destroyForcibly(); // kill -9: no shutdown hook runs

    assertThat(probe.jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (ProcessHygiene.pdeathsigSupported()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(servers).noneMatch(ProcessHandle::isAlive));
    }
    // the shell's own children are not ours to reach after a kill -9 (no hook ran)
    everything.forEach(ProcessHandle::destroyForcibly);
  }

  private record Probe(Process jvm, long[] pids, Path marker) {
    static Probe start(Path dir) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String id = Long.toString(System.nanoTime());
      Path err = dir.resolve("probe-" + id + ".err");
      Path marker = dir.resolve("probe-" + id + ".shutdown");
      Process jvm =
          new ProcessBuilder(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-Xshare:auto",
                  "-cp",
                  System.getProperty("java.class.path"),
                  HygieneProbe.class.getName(),
                  dir.toString(),
                  marker.toString())
              .redirectError(err.toFile())
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      String ready =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("READY ")) {
                          return line;
                        }
                      }
                      return "exited";
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .get(90, TimeUnit.SECONDS);
      assertThat(ready).as(() -> "the probe's stderr:\n" + readQuietly(err)).startsWith("READY ");
      long[] pids =
          Arrays.stream(ready.substring(6).trim().split(" ")).mapToLong(Long::parseLong).toArray();
      return new Probe(jvm, pids, marker);
    }

    private static String readQuietly(Path file) {
      try {
        return java.nio.file.Files.readString(file);
      } catch (IOException e) {
        return e.toString();
      }
    }

    /** PostgreSQL with its backends, nats-server. */
    List<ProcessHandle> serversAndTheirChildren() {
      List<ProcessHandle> list = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ProcessHandle h = ProcessHandle.of(pids[i]).orElseThrow();
        list.add(h);
        h.descendants().forEach(list::add);
      }
      return list;
    }

    /** The servers with their children, the shell and its two sleeps. */
    List<ProcessHandle> everything() {
      List<ProcessHandle> list = serversAndTheirChildren();
      for (int i = 2; i < pids.length; i++) {
        ProcessHandle.of(pids[i]).ifPresent(list::add);
      }
      return list;
    }
  }
}
