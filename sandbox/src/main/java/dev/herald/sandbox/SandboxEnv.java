package dev.herald.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * {@code .herald/sandbox.env}, what a shell sources to reach a running sandbox (KUBECONFIG, the
 * HTTP API and its development key, the database). It is valid only while the sandbox that wrote it
 * runs: it is removed when that sandbox stops, one left by a sandbox that was killed is removed
 * when the next one starts, and sourcing a stale one (its writer gone) sets nothing and says so.
 */
final class SandboxEnv implements AutoCloseable {
  private final Path file;

  private SandboxEnv(Path file) {
    this.file = file;
  }

  /**
   * Takes {@code file} over for this sandbox: a file left by an earlier run is removed (returned
   * true), since nothing it names is running any more.
   */
  static boolean removeLeftover(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file, e);
    }
  }

  /**
   * Writes {@code exports} (name → value; a value of {@code null} writes the name as a comment
   * line) to {@code file}, mode 0600, guarded by this process's id.
   */
  static SandboxEnv write(Path file, Map<String, String> exports) {
    return write(file, exports, ProcessHandle.current().pid());
  }

  /** As above, valid while process {@code pid} runs. */
  static SandboxEnv write(Path file, Map<String, String> exports, long pid) {
    StringBuilder s =
        new StringBuilder()
            .append("# Written by ./herald sandbox (pid ")
            .append(pid)
            .append("); valid while it runs, removed when it stops.\n")
            .append("if ! kill -0 ")
            .append(pid)
            .append(" 2>/dev/null; then\n")
            .append("  echo \"herald: this sandbox.env is stale: the sandbox that wrote it (pid ")
            .append(pid)
            .append(") is not running; start ./herald sandbox again\" >&2\n")
            .append("  return 1 2>/dev/null || exit 1\n")
            .append("fi\n");
    exports.forEach(
        (name, value) -> {
          if (value == null) {
            s.append("# ").append(name).append('\n');
          } else {
            s.append("export ").append(name).append('=').append(value).append('\n');
          }
        });
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, s, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      return new SandboxEnv(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  Path file() {
    return file;
  }

  /** Removes the file: nothing it names runs any more. */
  @Override
  public void close() {
    removeLeftover(file);
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
