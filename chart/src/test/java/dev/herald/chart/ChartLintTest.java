package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm lint --strict}: with the chart's defaults, and with every optional part on. */
class ChartLintTest {
  @Test
  void lintsWithItsDefaults() {
    LintResult lint = Chart.lint(Chart.dir());
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void lintsWithTheFullValues(@TempDir Path dir) throws Exception {
    LintResult lint = Chart.lint(Chart.copyWithValues(Chart.fullValues(), dir.resolve("herald")));
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }
}
