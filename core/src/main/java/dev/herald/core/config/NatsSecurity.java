package dev.herald.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a process proves who it is to NATS and checks the server, from files a Secret mounts: a
 * credentials file (user JWT and NKey seed, as {@code nsc} writes it) and TLS in PEM — the CA that
 * signed the servers' certificates and, for mutual TLS, the client's certificate chain and its
 * PKCS#8 key. Each may be null.
 */
public record NatsSecurity(Path credentials, Path tlsCa, Path tlsCert, Path tlsKey) {
  public static final NatsSecurity NONE = new NatsSecurity(null, null, null, null);

  public NatsSecurity {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "HERALD_NATS_TLS_CERT and HERALD_NATS_TLS_KEY go together: set both or neither");
    }
  }

  /** Whether the connection uses TLS: a CA or a client certificate is given. */
  public boolean tls() {
    return tlsCa != null || tlsCert != null;
  }

  /**
   * Reads {@code HERALD_NATS_CREDS}, {@code HERALD_NATS_TLS_CA}, {@code HERALD_NATS_TLS_CERT},
   * {@code HERALD_NATS_TLS_KEY} (paths); a path that names no readable file stops the process here,
   * naming the variable, rather than at the first reconnect.
   */
  public static NatsSecurity fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    return new NatsSecurity(
        file(vars, "HERALD_NATS_CREDS"),
        file(vars, "HERALD_NATS_TLS_CA"),
        file(vars, "HERALD_NATS_TLS_CERT"),
        file(vars, "HERALD_NATS_TLS_KEY"));
  }

  private static Path file(EnvironmentVariables vars, String name) {
    String value = vars.text(name, null);
    if (value == null) {
      return null;
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(name + " names no readable file: " + value);
    }
    return path;
  }
}
