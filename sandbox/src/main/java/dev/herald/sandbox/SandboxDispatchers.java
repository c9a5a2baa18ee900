package dev.herald.sandbox;

import dev.herald.sandbox.process.ManagedProcess;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.StopSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's dispatchers, each in a JVM of its own as in production ({@link SandboxDispatcher}),
 * talking to the Kubernetes API through the front's kubeconfig. Each logs to {@code
 * <state>/dispatcher-<n>.log}; what it prints (warnings, a crash) goes to {@code
 * dispatcher-<n>.out}. Closing stops them (SIGTERM, then SIGKILL after 20 s).
 */
final class SandboxDispatchers implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(20);

  private final List<ManagedProcess> processes;

  private SandboxDispatchers(List<ManagedProcess> processes) {
    this.processes = processes;
  }

  /**
   * Starts {@code count} dispatchers with {@code environment} (the HERALD_* settings and
   * KUBECONFIG), each granted the web push simulator at {@code webPushPort}.
   */
  static SandboxDispatchers start(
      int count,
      Path state,
      Map<String, String> environment,
      int webPushPort,
      X509Certificate webPushCertificate) {
    Path certificate = writePem(state.resolve("webpush-simulator.pem"), webPushCertificate);
    List<ManagedProcess> started = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        started.add(java("dispatcher-" + i, state, environment, webPushPort, certificate));
      }
      return new SandboxDispatchers(started);
    } catch (RuntimeException e) {
      started.forEach(ManagedProcess::close);
      throw e;
    }
  }

  private static ManagedProcess java(
      String name, Path state, Map<String, String> environment, int webPushPort, Path certificate) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-XX:+UseSerialGC", "-Xmx384m", "-XX:TieredStopAtLevel=1"));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.add("-Dherald.sandbox.log=" + state.resolve(name + ".log"));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            SandboxDispatcher.class.getName(),
            String.valueOf(webPushPort),
            certificate.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(state.resolve(name + ".out").toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("HOSTNAME", name);
    try {
      return ProcessHygiene.start(name, builder, StopSignal.TERM, GRACE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private static Path writePem(Path file, X509Certificate certificate) {
    try {
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("the web push simulator's certificate cannot be encoded", e);
    }
  }

  int size() {
    return processes.size();
  }

  @Override
  public void close() {
    // all at once: each lets its deliveries in hand finish within its grace period
    processes.forEach(p -> ProcessHygiene.signal(p.pid(), StopSignal.TERM));
    processes.forEach(ManagedProcess::close);
  }

  @Override
  public String toString() {
    return processes.toString();
  }
}
