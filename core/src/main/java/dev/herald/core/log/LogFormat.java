package dev.herald.core.log;

import dev.herald.core.config.EnvironmentVariables;
import java.util.List;
import java.util.Map;

/**
 * {@code HERALD_LOG_FORMAT}: {@code json} (the default) or {@code text}. Logback reads it itself
 * (herald-logback.xml); a process checks it at start, so that a misspelt value stops it with a
 * message instead of leaving it without any log.
 */
public final class LogFormat {
  public static final List<String> FORMATS = List.of("json", "text");

  private LogFormat() {}

  public static String fromEnv(Map<String, String> env) {
    return new EnvironmentVariables(env).choice("HERALD_LOG_FORMAT", "json", FORMATS);
  }
}
