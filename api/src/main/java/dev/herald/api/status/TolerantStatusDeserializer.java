package dev.herald.api.status;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads a status that Herald cannot read as none at all. An informer that fails on one object stops
 * (and java-operator-sdk then stops the operator), and a status is only Herald's own report: the
 * next reconcile writes a whole new one over whatever was there.
 */
public final class TolerantStatusDeserializer extends JsonDeserializer<HeraldStatus>
    implements ContextualDeserializer {

  /** Removes the class-level {@code @JsonDeserialize} so the inner mapper uses plain binding. */
  @JsonDeserialize(using = JsonDeserializer.None.class)
  private interface PlainBinding {}

  private static final ConcurrentMap<Class<?>, ObjectMapper> PLAIN = new ConcurrentHashMap<>();

  private final JavaType type;

  public TolerantStatusDeserializer() {
    this(null);
  }

  private TolerantStatusDeserializer(JavaType type) {
    this.type = type;
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    return new TolerantStatusDeserializer(
        property != null ? property.getType() : ctxt.getContextualType());
  }

  @Override
  public HeraldStatus deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode tree = p.readValueAsTree();
    Class<?> raw = type.getRawClass();
    try {
      return (HeraldStatus)
          PLAIN
              .computeIfAbsent(
                  raw,
                  c ->
                      JsonMapper.builder()
                          .addMixIn(c, PlainBinding.class)
                          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                          .build())
              .treeToValue(tree, raw);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
