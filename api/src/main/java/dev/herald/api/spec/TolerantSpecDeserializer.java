package dev.herald.api.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads a {@link TolerantSpec} without ever failing: unknown fields are skipped, values of the
 * wrong shape become {@code null}, and the original JSON is kept for validation.
 */
public final class TolerantSpecDeserializer extends JsonDeserializer<TolerantSpec>
    implements ContextualDeserializer {

  /** Removes the class-level {@code @JsonDeserialize} so the lenient mapper uses plain binding. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  private interface PlainBinding {}

  private static final ConcurrentMap<Class<?>, ObjectMapper> LENIENT = new ConcurrentHashMap<>();

  private final JavaType type;

  public TolerantSpecDeserializer() {
    this(null);
  }

  private TolerantSpecDeserializer(JavaType type) {
    this.type = type;
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    JavaType target = property != null ? property.getType() : ctxt.getContextualType();
    return new TolerantSpecDeserializer(target);
  }

  @Override
  public TolerantSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode tree = p.readValueAsTree();
    Class<?> raw = type.getRawClass();
    TolerantSpec spec;
    try {
      spec = (TolerantSpec) lenientMapper(raw).treeToValue(tree, raw);
    } catch (Exception e) {
      spec = empty(raw);
    }
    if (spec == null) {
      spec = empty(raw);
    }
    spec.source(tree);
    return spec;
  }

  private static TolerantSpec empty(Class<?> raw) {
    try {
      return (TolerantSpec) raw.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(raw + " needs a public no-argument constructor", e);
    }
  }

  private static ObjectMapper lenientMapper(Class<?> raw) {
    return LENIENT.computeIfAbsent(
        raw,
        c ->
            JsonMapper.builder()
                .findAndAddModules()
                .addMixIn(c, PlainBinding.class)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .addHandler(new SkipWhatDoesNotFit())
                .build());
  }

  /** Turns every value that does not fit its field into {@code null} instead of an exception. */
  private static final class SkipWhatDoesNotFit extends DeserializationProblemHandler {
    @Override
    public Object handleUnexpectedToken(
        DeserializationContext ctxt,
        JavaType targetType,
        JsonToken t,
        JsonParser p,
        String failureMsg)
        throws IOException {
      p.skipChildren();
      return null;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt,
        Class<?> targetType,
        String valueToConvert,
        String failureMsg) {
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext ctxt,
        Class<?> targetType,
        Number valueToConvert,
        String failureMsg) {
      return null;
    }

    @Override
    public Object handleWeirdNativeValue(
        DeserializationContext ctxt, JavaType targetType, Object valueToConvert, JsonParser p) {
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext ctxt,
        Class<?> instClass,
        ValueInstantiator valueInsta,
        JsonParser p,
        String msg)
        throws IOException {
      p.skipChildren();
      return null;
    }
  }
}
