package dev.herald.operator.admin;

import dev.herald.api.Channel;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.store.DeadLetters;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code herald dlq}: the dead letters of every namespace, for the platform team (tenants use
 * {@code /v1/dead-letters} with their own keys). Connects with the components' own settings ({@code
 * HERALD_DB_URL}, {@code HERALD_DB_USER}, {@code HERALD_DB_PASSWORD}).
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    subcommands = {
      DeadLetterCommand.ListDeadLetters.class,
      DeadLetterCommand.CountDeadLetters.class,
      DeadLetterCommand.RequeueDeadLetters.class
    },
    description =
        "Dead letters: deliveries that failed after every attempt (reason exhausted or internal_error).")
public final class DeadLetterCommand implements Runnable {
  private final Map<String, String> env;
  @Spec CommandLine.Model.CommandSpec spec;

  public DeadLetterCommand() {
    this(System.getenv());
  }

  /** With the settings of {@code env} instead of the process environment. */
  public DeadLetterCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options that select dead letters. */
  static final class Filter {
    @Option(
        names = {"-n", "--namespace"},
        description = "Only this namespace (default: every namespace).")
    String namespace;

    @Option(names = "--notification", description = "Only this notification id.")
    UUID notification;

    @Option(names = "--reason", description = "Only this reason: exhausted or internal_error.")
    String reason;

    @Option(names = "--channel", description = "Only this channel: email, sms or push.")
    String channel;

    DeadLetters.Selection selection(List<UUID> deliveries) {
      Channel c = channel == null ? null : Channel.fromWire(channel);
      if (channel != null && c == null) {
        throw new IllegalArgumentException("--channel must be one of email, sms, push");
      }
      if (reason != null && !DeadLetters.REASONS.contains(reason)) {
        throw new IllegalArgumentException(
            "--reason must be one of " + new java.util.TreeSet<>(DeadLetters.REASONS));
      }
      return new DeadLetters.Selection(namespace, notification, reason, c, deliveries);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists dead letters, oldest failure first.")
  static final class ListDeadLetters implements Callable<Integer> {
    @ParentCommand DeadLetterCommand parent;
    @Mixin Filter filter = new Filter();

    @Option(
        names = "--limit",
        defaultValue = "100",
        description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--after", description = "The cursor a previous list printed, to page on.")
    String after;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 10_000) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--limit must be from 1 to 10000");
      }
      DeadLetters.Cursor cursor;
      try {
        cursor = after == null ? null : DeadLetters.Cursor.parse(after);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--after must be a cursor a previous list printed");
      }
      try (Database db = parent.open()) {
        List<DeadLetters.DeadLetter> page =
            new DeadLetters(db.jdbi()).list(filter.selection(List.of()), cursor, limit);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            "%-36s  %-16s  %-24s  %-5s  %-14s  %-8s  %-20s  %s%n",
            "DELIVERY",
            "NAMESPACE",
            "NOTIFICATION",
            "CHAN",
            "REASON",
            "ATTEMPTS",
            "FAILED AT",
            "LAST ERROR");
        for (DeadLetters.DeadLetter d : page) {
          out.printf(
              "%-36s  %-16s  %-24s  %-5s  %-14s  %-8d  %-20s  %s%s%n",
              d.deliveryId(),
              d.tenant(),
              d.resourceName() != null ? d.resourceName() : d.notificationId(),
              d.channel().wireName(),
              d.reason(),
              d.attempts(),
              d.failedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
              oneLine(d.errorCode(), d.error()),
              d.requeueable() ? "" : "  (not requeueable: cancelled, erased or expired)");
        }
        if (page.size() == limit) {
          out.printf("more: --after %s%n", page.get(page.size() - 1).cursor().token());
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "count",
      mixinStandardHelpOptions = true,
      description = "Counts dead letters per namespace and reason.")
  static final class CountDeadLetters implements Callable<Integer> {
    @ParentCommand DeadLetterCommand parent;

    @Option(
        names = {"-n", "--namespace"},
        description = "Only this namespace.")
    String namespace;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (Database db = parent.open()) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s  %-14s  %s%n", "NAMESPACE", "REASON", "DEAD LETTERS");
        for (DeadLetters.Count c : new DeadLetters(db.jdbi()).counts(namespace)) {
          out.printf("%-24s  %-14s  %d%n", c.tenant(), c.reason(), c.count());
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description =
          "Sends dead letters again: pending, due now, attempts reset. Cancelled, erased or expired ones stay.")
  static final class RequeueDeadLetters implements Callable<Integer> {
    @ParentCommand DeadLetterCommand parent;
    @Mixin Filter filter = new Filter();

    @Option(names = "--delivery", description = "Only these delivery ids (repeatable).")
    List<UUID> deliveries = List.of();

    @Option(
        names = "--all",
        description = "Every dead letter the other options allow (needed when none narrows it).")
    boolean all;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      DeadLetters.Selection selection = filter.selection(deliveries);
      if (selection.isEverything() && !all) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "name --notification, --reason, --channel or --delivery, or pass --all");
      }
      try (Database db = parent.open()) {
        DeadLetters.Requeued r = new DeadLetters(db.jdbi()).requeue(selection);
        spec.commandLine()
            .getOut()
            .printf(
                "requeued %d deliveries of %d notifications%n", r.deliveries(), r.notifications());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  private static String oneLine(String code, String error) {
    String text = (code == null ? "" : code + " ") + (error == null ? "" : error);
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > 100 ? text.substring(0, 99) + "…" : text;
  }

  Database open() {
    StoreSettings settings = StoreSettings.fromEnv(env);
    return Database.open(
        new StoreSettings(
            settings.jdbcUrl(),
            settings.user(),
            settings.password(),
            2,
            settings.connectTimeout(),
            settings.socketTimeout()),
        "herald-dlq");
  }

  public static void main(String[] args) {
    System.exit(commandLine(new DeadLetterCommand()).execute(args));
  }

  /** The command line, with errors reported in one line without a stack trace. */
  public static CommandLine commandLine(DeadLetterCommand command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine
              .getErr()
              .println(
                  "herald dlq: "
                      + (e instanceof IllegalArgumentException
                          ? e.getMessage()
                          : e.getClass().getSimpleName() + ": " + e.getMessage()));
          return 1;
        });
    return cli;
  }
}
