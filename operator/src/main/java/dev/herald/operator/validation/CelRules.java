package dev.herald.operator.validation;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the schema's {@code x-kubernetes-validations} rules (CEL) the way the API server does,
 * with {@code self} bound to the value. Transition rules (those naming {@code oldSelf}) need the
 * previous object and are left to the API server.
 */
final class CelRules {
  private final CelCompiler compiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  static boolean isTransitionRule(String rule) {
    return rule.contains("oldSelf");
  }

  /** Empty when the rule holds; otherwise why it does not (false, or an evaluation error). */
  Optional<String> violation(String rule, Object self) {
    try {
      Object result = program(rule).eval(Map.of("self", self));
      return Boolean.TRUE.equals(result) ? Optional.empty() : Optional.of("rule failed");
    } catch (CelEvaluationException e) {
      return Optional.of("rule could not be evaluated: " + e.getMessage());
    }
  }

  private CelRuntime.Program program(String rule) {
    return programs.computeIfAbsent(
        rule,
        r -> {
          try {
            CelAbstractSyntaxTree ast = compiler.compile(r).getAst();
            return runtime.createProgram(ast);
          } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("invalid CEL rule in the CRD: " + r, e);
          }
        });
  }
}
