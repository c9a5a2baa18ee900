package dev.herald.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a resource's spec against the schema of its generated CRD — types, required fields,
 * unknown fields, enums, patterns, lengths, bounds and CEL rules — because not every API server
 * enforces it (fabric8's mock API stores anything). One mechanism for every kind, so the CRD stays
 * the single statement of what is valid.
 */
public final class SchemaValidator {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JSONSchemaProps specSchema;
  private final CelRules cel = new CelRules();
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  private SchemaValidator(JSONSchemaProps specSchema) {
    this.specSchema = specSchema;
  }

  /** Loads the schema that the build generated for this resource class. */
  public static SchemaValidator forResource(Class<? extends HasMetadata> type) {
    String crdName = HasMetadata.getPlural(type) + "." + HasMetadata.getGroup(type);
    String path = "META-INF/fabric8/" + crdName + "-v1.yml";
    try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("generated CRD " + path + " is not on the classpath");
      }
      CustomResourceDefinition crd =
          new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      return new SchemaValidator(root.getProperties().get("spec"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every problem of the spec, in document order; empty when it is valid. */
  public List<FieldError> validate(JsonNode spec) {
    List<FieldError> errors = new ArrayList<>();
    if (spec == null || spec.isNull() || spec.isMissingNode()) {
      errors.add(new FieldError("spec", "Required value"));
      return errors;
    }
    check(spec, specSchema, "spec", errors);
    return errors;
  }

  private void check(JsonNode value, JSONSchemaProps schema, String path, List<FieldError> errors) {
    if (value.isNull()) {
      if (!Boolean.TRUE.equals(schema.getNullable())) {
        errors.add(new FieldError(path, "must not be null"));
      }
      return;
    }
    String type = schema.getType();
    if (type != null && !hasType(value, type)) {
      errors.add(new FieldError(path, "must be " + article(type) + ", not " + describe(value)));
      return;
    }
    int before = errors.size();
    if (value.isObject()) {
      checkObject(value, schema, path, errors);
    } else if (value.isArray()) {
      checkArray(value, schema, path, errors);
    } else if (value.isTextual()) {
      checkString(value.asText(), schema, path, errors);
    } else if (value.isNumber()) {
      checkNumber(value, schema, path, errors);
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      List<String> allowed = schema.getEnum().stream().map(JsonNode::asText).toList();
      if (!value.isTextual() || !allowed.contains(value.asText())) {
        errors.add(
            new FieldError(
                path, "must be one of " + String.join(", ", allowed) + ", not " + value));
      }
    }
    // CEL rules run only on values that are otherwise valid, as the API server does.
    if (errors.size() == before && schema.getXKubernetesValidations() != null) {
      Object plain = MAPPER.convertValue(value, Object.class);
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        if (CelRules.isTransitionRule(rule.getRule())) {
          continue;
        }
        cel.violation(rule.getRule(), plain)
            .ifPresent(
                why ->
                    errors.add(
                        new FieldError(
                            path,
                            rule.getMessage() != null
                                ? rule.getMessage()
                                : why + ": " + rule.getRule())));
      }
    }
  }

  private void checkObject(
      JsonNode value, JSONSchemaProps schema, String path, List<FieldError> errors) {
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!value.has(required) || value.get(required).isNull()) {
          errors.add(new FieldError(path + "." + required, "Required value"));
        }
      }
    }
    boolean preserveUnknown = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    JSONSchemaProps additional =
        schema.getAdditionalProperties() != null
            ? schema.getAdditionalProperties().getSchema()
            : null;
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String child = path + "." + field.getKey();
      JSONSchemaProps childSchema = properties != null ? properties.get(field.getKey()) : null;
      if (childSchema != null) {
        check(field.getValue(), childSchema, child, errors);
      } else if (additional != null) {
        check(field.getValue(), additional, child, errors);
      } else if (!preserveUnknown) {
        errors.add(new FieldError(child, "unknown field"));
      }
    }
  }

  private void checkArray(
      JsonNode value, JSONSchemaProps schema, String path, List<FieldError> errors) {
    if (schema.getMinItems() != null && value.size() < schema.getMinItems()) {
      errors.add(new FieldError(path, "must have at least " + schema.getMinItems() + " item(s)"));
    }
    if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
      errors.add(
          new FieldError(
              path, "must have at most " + schema.getMaxItems() + " items, has " + value.size()));
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      for (int i = 0; i < value.size(); i++) {
        check(value.get(i), schema.getItems().getSchema(), path + "[" + i + "]", errors);
      }
    }
  }

  private void checkString(String s, JSONSchemaProps schema, String path, List<FieldError> errors) {
    int length = s.codePointCount(0, s.length());
    if (schema.getMinLength() != null && length < schema.getMinLength()) {
      errors.add(
          new FieldError(path, "must be at least " + schema.getMinLength() + " character(s)"));
    }
    if (schema.getMaxLength() != null && length > schema.getMaxLength()) {
      errors.add(new FieldError(path, "must be at most " + schema.getMaxLength() + " characters"));
    }
    if (schema.getPattern() != null
        && !patterns
            .computeIfAbsent(schema.getPattern(), ApiServerPatterns::compile)
            .matcher(s)
            .find()) {
      errors.add(new FieldError(path, "must match " + schema.getPattern()));
    }
  }

  private static void checkNumber(
      JsonNode value, JSONSchemaProps schema, String path, List<FieldError> errors) {
    double n = value.asDouble();
    if (schema.getMinimum() != null && n < schema.getMinimum()) {
      errors.add(new FieldError(path, "must be at least " + format(schema.getMinimum())));
    }
    if (schema.getMaximum() != null && n > schema.getMaximum()) {
      errors.add(new FieldError(path, "must be at most " + format(schema.getMaximum())));
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" ->
          value.isIntegralNumber()
              || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "an array";
    }
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    return value.isNumber() ? "a number" : value.getNodeType().toString().toLowerCase();
  }

  private static String article(String type) {
    return switch (type) {
      case "object", "array", "integer" -> "an " + type;
      default -> "a " + type;
    };
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
