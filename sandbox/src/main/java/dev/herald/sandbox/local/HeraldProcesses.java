package dev.herald.sandbox.local;

import dev.herald.sandbox.net.LoopbackPorts;
import dev.herald.sandbox.process.ManagedProcess;
import dev.herald.sandbox.process.ProcessHygiene;
import dev.herald.sandbox.process.StopSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Herald's operator and dispatchers on this machine, each in a JVM of its own as in production (so
 * that a kill is a real SIGKILL and each process's CPU and memory can be read), started from this
 * JVM's classpath against servers started elsewhere (a private Postgres and nats-server, the mock
 * Kubernetes API). Each writes {@code <name>.log} in the log directory; all are {@link
 * ProcessHygiene} children, stopped with SIGTERM (20 s grace) at the latest when this JVM exits.
 */
public final class HeraldProcesses implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Duration API_PATIENCE = Duration.ofSeconds(90);

  /**
   * Where Herald's processes find the servers (these survive a server restarted on its old port).
   */
  public record Servers(
      Path kubeconfig, String jdbcUrl, String dbUser, String natsUrl, int streamReplicas) {}

  private final Path logDir;
  private final Servers servers;
  private final Map<String, String> env;
  private final Function<String, List<String>> jvmOptions;
  private final HeraldApi api = new HeraldApi(LoopbackPorts.free());
  private ManagedProcess operator;
  private final Map<String, ManagedProcess> dispatchers = new LinkedHashMap<>();
  private int dispatcherSerial;

  /**
   * @param env settings every process gets beyond the servers' ({@code HERALD_ACK_WAIT_SECONDS}, …)
   * @param jvmOptions the JVM options of the process of that name ("operator", "dispatcher-1", …)
   */
  public HeraldProcesses(
      Path logDir,
      Servers servers,
      Map<String, String> env,
      Function<String, List<String>> jvmOptions) {
    this.logDir = logDir;
    this.servers = servers;
    this.env = Map.copyOf(env);
    this.jvmOptions = jvmOptions;
  }

  /** The operator's HTTP API. */
  public HeraldApi api() {
    return api;
  }

  /** Starts the operator and waits until its API is ready. */
  public void startOperator() {
    operator = java("operator", "dev.herald.operator.Main");
    if (!api.awaitReady(API_PATIENCE)) {
      throw new IllegalStateException(
          "the operator's API did not become ready; see " + logDir.resolve("operator.log"));
    }
  }

  /** SIGKILL: nothing is flushed, nothing is handed over. */
  public void killOperator() {
    kill(operator);
  }

  /** The operator's process id, while one was started. */
  public OptionalLong operatorPid() {
    return operator == null ? OptionalLong.empty() : OptionalLong.of(operator.pid());
  }

  /** Starts one more dispatcher (without waiting for it); returns its name. */
  public String startDispatcher() {
    String name = "dispatcher-" + (++dispatcherSerial);
    dispatchers.put(name, java(name, "dev.herald.dispatcher.Main"));
    return name;
  }

  /** SIGKILLs one running dispatcher; returns its name. */
  public String killDispatcher(String name) {
    kill(dispatchers.remove(name));
    return name;
  }

  /** The running dispatchers' names, oldest first. */
  public List<String> dispatchers() {
    return List.copyOf(dispatchers.keySet());
  }

  /** The running dispatchers' process ids by name. */
  public Map<String, Long> dispatcherPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    dispatchers.forEach((name, p) -> pids.put(name, p.pid()));
    return pids;
  }

  /** Stops every dispatcher, then the operator (SIGTERM: they finish what they hold and exit). */
  @Override
  public void close() {
    for (ManagedProcess d : dispatchers.values()) {
      d.close();
    }
    if (operator != null) {
      operator.close();
    }
  }

  private Map<String, String> environment(String name) {
    Map<String, String> all = new HashMap<>(env);
    all.put("KUBECONFIG", servers.kubeconfig().toString());
    all.put("HERALD_DB_URL", servers.jdbcUrl());
    all.put("HERALD_DB_USER", servers.dbUser());
    all.put("HERALD_DB_PASSWORD", "");
    all.put("HERALD_NATS_URL", servers.natsUrl());
    all.put("HERALD_STREAM_REPLICAS", String.valueOf(servers.streamReplicas()));
    all.put("HERALD_API_PORT", String.valueOf(api.port()));
    // Several processes on one machine: each its own free metrics port, unless one is asked for.
    all.putIfAbsent("HERALD_METRICS_PORT", "0");
    all.put("HOSTNAME", name);
    return all;
  }

  private ManagedProcess java(String name, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(jvmOptions.apply(name));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
    builder.environment().putAll(environment(name));
    try {
      return ProcessHygiene.start(name, builder, StopSignal.TERM, STOP_GRACE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private static void kill(ManagedProcess p) {
    ProcessHygiene.signal(p.pid(), StopSignal.KILL);
    p.onExit().join();
    p.close();
  }
}
