package dev.herald.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The components' logging as configured in production (herald-logback.xml): JSON lines or text,
 * with addresses masked whether the code masked them or not.
 */
class LogFormatTest {
  /** Lines that {@code format}'s configuration writes for what {@code logging} logs. */
  private static List<String> logged(String format, java.util.function.Consumer<Logger> logging)
      throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.putProperty("HERALD_LOG_FORMAT", format);
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(
          new java.io.ByteArrayInputStream(
              ("<configuration><include resource=\"dev/herald/core/log/herald-logback.xml\"/>"
                      + "</configuration>")
                  .getBytes(StandardCharsets.UTF_8)));
      logging.accept(context.getLogger("dev.herald.dispatcher.consumer.DeliveryHandler"));
    } finally {
      context.stop();
      System.setOut(stdout);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonLinesMaskAddressesInMessagesAndExceptions() throws Exception {
    List<String> lines =
        logged(
            "json",
            log -> {
              log.info("delivery 42 to {} sent", Mask.email("ada@example.com"));
              log.warn("delivery 43 to {} and {} refused", "grace@example.com", "+4915112345678");
              log.error("failed", new IllegalStateException("no mailbox linus@example.org"));
            });
    assertThat(lines).hasSize(3);
    List<JsonNode> events = lines.stream().map(l -> Json.read(l, JsonNode.class)).toList();
    assertThat(events.get(0).path("formattedMessage").asText())
        .isEqualTo("delivery 42 to a***@example.com sent");
    assertThat(events.get(1).path("formattedMessage").asText())
        .isEqualTo("delivery 43 to g***@example.com and +49*********78 refused");
    assertThat(events.get(1).path("level").asText()).isEqualTo("WARN");
    assertThat(events.get(2).path("throwable").path("message").asText())
        .isEqualTo("no mailbox l***@example.org");
    assertThat(String.join("\n", lines))
        .doesNotContain("ada@", "grace@", "4915112345678", "linus@");
  }

  @Test
  void textLinesMaskAddressesToo() throws Exception {
    List<String> lines =
        logged(
            "text",
            log ->
                log.warn(
                    "to {}", "grace@example.com", new IllegalStateException("+4915112345678")));
    assertThat(lines.get(0)).endsWith("DeliveryHandler - to g***@example.com");
    assertThat(String.join("\n", lines))
        .contains("IllegalStateException: +49*********78")
        .doesNotContain("grace@", "4915112345678");
  }

  @Test
  void scrubLeavesMaskedValuesAndOrdinaryTextAlone() {
    assertThat(PersonalData.scrub("a***@example.com +49*******78 v1.2+3 HTTP/1.1 500"))
        .isEqualTo("a***@example.com +49*******78 v1.2+3 HTTP/1.1 500");
    assertThat(PersonalData.scrub("to bob.smith+tag@mail.example.co.uk, then +12025550123."))
        .isEqualTo("to b***@mail.example.co.uk, then +12*******23.");
  }

  @Test
  void aMisspeltFormatIsNamed() {
    assertThat(LogFormat.fromEnv(Map.of())).isEqualTo("json");
    assertThat(LogFormat.fromEnv(Map.of("HERALD_LOG_FORMAT", "text"))).isEqualTo("text");
    assertThatThrownBy(() -> LogFormat.fromEnv(Map.of("HERALD_LOG_FORMAT", "jsonl")))
        .hasMessage("HERALD_LOG_FORMAT must be one of json, text, was \"jsonl\"");
  }
}
