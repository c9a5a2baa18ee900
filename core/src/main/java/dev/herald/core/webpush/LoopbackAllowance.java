package dev.herald.core.webpush;

import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * The one exception to "public HTTPS hosts only", for the sandbox and tests, whose push service
 * simulator listens on this machine: endpoints {@code https://localhost:<port>/…} at exactly these
 * ports are allowed, connect to the loopback address without any DNS lookup, and may present {@code
 * certificate} (the simulator's self-signed one). Nothing else is loosened: no other host, no other
 * port, no IP literal, no private range.
 *
 * <p>It cannot be switched on by configuration: no environment variable or property reads it. Only
 * code that builds a dispatcher or an operator in-process (the sandbox, the tests) can pass one,
 * and both log a warning when they do.
 */
public record LoopbackAllowance(Set<Integer> ports, X509Certificate certificate) {
  public static final String HOST = "localhost";

  /** No exception: what production runs with. */
  public static final LoopbackAllowance NONE = new LoopbackAllowance(Set.of(), null);

  public LoopbackAllowance {
    ports = Set.copyOf(ports);
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
    }
    if (!ports.isEmpty() && certificate == null) {
      throw new IllegalArgumentException("a loopback allowance needs the simulator's certificate");
    }
  }

  /** Localhost at {@code port}, serving {@code certificate}. */
  public static LoopbackAllowance localhost(int port, X509Certificate certificate) {
    return new LoopbackAllowance(Set.of(port), certificate);
  }

  public boolean isEmpty() {
    return ports.isEmpty();
  }

  /** Whether an endpoint at {@code host} (lower case) and {@code port} is let through. */
  public boolean allows(String host, int port) {
    return HOST.equals(host) && ports.contains(port);
  }
}
