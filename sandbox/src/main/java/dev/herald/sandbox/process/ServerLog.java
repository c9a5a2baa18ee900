package dev.herald.sandbox.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What a child server wrote to its log, for readiness checks and error messages. */
public final class ServerLog {
  private static final int MAX_BYTES = 8192;

  private ServerLog() {}

  /** The log written since {@code offset} (at most its last 8 KiB). */
  public static String since(Path logFile, long offset) {
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long from = Math.max(offset, f.length() - MAX_BYTES);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /** The end of the log (at most its last 8 KiB). */
  public static String tail(Path logFile) {
    return since(logFile, 0);
  }
}
