package dev.herald.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sandbox.env is live only while its sandbox runs. */
class SandboxEnvTest {
  @TempDir Path dir;

  @Test
  void sourcingItWhileItsSandboxRunsSetsTheVariables() throws Exception {
    Path file = dir.resolve("sandbox.env");
    try (SandboxEnv env = SandboxEnv.write(file, exports())) {
      assertThat(Files.getPosixFilePermissions(env.file()).toString())
          .isEqualTo("[OWNER_READ, OWNER_WRITE]");
      Shell shell = source(file);
      assertThat(shell.exit()).isZero();
      assertThat(shell.out()).isEqualTo("/tmp/kubeconfig http://127.0.0.1:1");
    }
    assertThat(file).as("removed when the sandbox stops").doesNotExist();
  }

  @Test
  void oneLeftByAKilledSandboxSetsNothingAndIsRemovedByTheNextOne() throws Exception {
    Path file = dir.resolve("sandbox.env");
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    SandboxEnv.write(file, exports(), gone.pid()); // its writer was SIGKILLed: never closed

    Shell shell = source(file);
    assertThat(shell.exit()).isEqualTo(1);
    assertThat(shell.out()).isEqualTo("<unset>");
    assertThat(shell.err()).contains("stale", "pid " + gone.pid(), "is not running");

    assertThat(SandboxEnv.removeLeftover(file)).isTrue();
    assertThat(file).doesNotExist();
    assertThat(SandboxEnv.removeLeftover(file)).isFalse();
  }

  private static Map<String, String> exports() {
    Map<String, String> exports = new LinkedHashMap<>();
    exports.put("KUBECONFIG", "/tmp/kubeconfig");
    exports.put("the API", null);
    exports.put("HERALD_API_URL", "http://127.0.0.1:1");
    return exports;
  }

  private record Shell(int exit, String out, String err) {}

  /** What a user's shell gets from {@code source sandbox.env}. */
  private static Shell source(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "unset KUBECONFIG HERALD_API_URL; source \"$1\"; rc=$?; "
                    + "echo \"${KUBECONFIG:-<unset>}${HERALD_API_URL:+ $HERALD_API_URL}\"; exit $rc",
                "bash",
                file.toString())
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Shell(p.exitValue(), out, err);
  }
}
