package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the few Kubernetes protobuf request bodies the sandbox meets, as JSON. kubectl's generator
 * commands ({@code kubectl create secret generic}, {@code create configmap}, {@code create
 * namespace}) send built-in kinds as {@code application/vnd.kubernetes.protobuf}, which the mock
 * cannot read: the envelope ({@code k8s\0} + {@code runtime.Unknown}) and the fields those commands
 * set of ConfigMap, Secret and Namespace are decoded here. Anything else is {@link
 * UnsupportedKindException}.
 */
final class KubeProtobuf {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  static final class UnsupportedKindException extends Exception {
    UnsupportedKindException(String message) {
      super(message, null, false, false);
    }
  }

  private KubeProtobuf() {}

  /** The object in a protobuf request body, as JSON. */
  static ObjectNode toJson(byte[] body) throws UnsupportedKindException {
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new UnsupportedKindException("not a Kubernetes protobuf envelope");
    }
    try {
      Reader unknown = new Reader(body, MAGIC.length, body.length);
      String apiVersion = "";
      String kind = "";
      byte[] raw = new byte[0];
      while (unknown.more()) {
        int tag = unknown.tag();
        switch (tag >>> 3) {
          case 1 -> {
            Reader typeMeta = unknown.message();
            while (typeMeta.more()) {
              int t = typeMeta.tag();
              switch (t >>> 3) {
                case 1 -> apiVersion = typeMeta.string();
                case 2 -> kind = typeMeta.string();
                default -> typeMeta.skip(t);
              }
            }
          }
          case 2 -> raw = unknown.bytes();
          default -> unknown.skip(tag);
        }
      }
      ObjectNode object =
          switch (apiVersion + "/" + kind) {
            case "v1/ConfigMap" -> configMap(new Reader(raw, 0, raw.length));
            case "v1/Secret" -> secret(new Reader(raw, 0, raw.length));
            case "v1/Namespace" -> namespace(new Reader(raw, 0, raw.length));
            default ->
                throw new UnsupportedKindException(
                    "the sandbox cannot read " + kind + " (" + apiVersion + ") sent as protobuf");
          };
      ObjectNode json = NODES.objectNode();
      json.put("apiVersion", apiVersion);
      json.put("kind", kind);
      json.setAll(object);
      return json;
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      throw new UnsupportedKindException("malformed protobuf body: " + e.getMessage());
    }
  }

  private static ObjectNode configMap(Reader r) {
    ObjectNode o = NODES.objectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> o.set("metadata", objectMeta(r.message()));
        case 2 -> mapEntry(r.message(), o.withObjectProperty("data"), false);
        case 3 -> mapEntry(r.message(), o.withObjectProperty("binaryData"), true);
        case 4 -> o.put("immutable", r.varint() != 0);
        default -> r.skip(tag);
      }
    }
    return o;
  }

  private static ObjectNode secret(Reader r) {
    ObjectNode o = NODES.objectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> o.set("metadata", objectMeta(r.message()));
        case 2 -> mapEntry(r.message(), o.withObjectProperty("data"), true);
        case 3 -> o.put("type", r.string());
        case 4 -> mapEntry(r.message(), o.withObjectProperty("stringData"), false);
        case 5 -> o.put("immutable", r.varint() != 0);
        default -> r.skip(tag);
      }
    }
    return o;
  }

  private static ObjectNode namespace(Reader r) {
    ObjectNode o = NODES.objectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> o.set("metadata", objectMeta(r.message()));
        case 2 -> {
          Reader spec = r.message();
          ObjectNode s = o.withObjectProperty("spec");
          while (spec.more()) {
            int t = spec.tag();
            if (t >>> 3 == 1) {
              s.withArrayProperty("finalizers").add(spec.string());
            } else {
              spec.skip(t);
            }
          }
        }
        default -> r.skip(tag);
      }
    }
    return o;
  }

  private static ObjectNode objectMeta(Reader r) {
    ObjectNode m = NODES.objectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> putIfNotEmpty(m, "name", r.string());
        case 2 -> putIfNotEmpty(m, "generateName", r.string());
        case 3 -> putIfNotEmpty(m, "namespace", r.string());
        case 11 -> mapEntry(r.message(), m.withObjectProperty("labels"), false);
        case 12 -> mapEntry(r.message(), m.withObjectProperty("annotations"), false);
        case 14 -> {
          ArrayNode finalizers = m.withArrayProperty("finalizers");
          finalizers.add(r.string());
        }
        default -> r.skip(tag);
      }
    }
    return m;
  }

  private static void mapEntry(Reader entry, ObjectNode into, boolean bytesValue) {
    String key = "";
    String value = "";
    while (entry.more()) {
      int tag = entry.tag();
      switch (tag >>> 3) {
        case 1 -> key = entry.string();
        case 2 ->
            value = bytesValue ? Base64.getEncoder().encodeToString(entry.bytes()) : entry.string();
        default -> entry.skip(tag);
      }
    }
    into.put(key, value);
  }

  private static void putIfNotEmpty(ObjectNode o, String field, String value) {
    if (!value.isEmpty()) {
      o.put(field, value);
    }
  }

  /** A protobuf wire-format reader over {@code buf[pos, end)}. */
  private static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int pos, int end) {
      if (end > buf.length || pos > end) {
        throw new IllegalStateException("truncated");
      }
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalStateException("truncated varint");
        }
        byte b = buf[pos++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalStateException("varint too long");
    }

    byte[] bytes() {
      int length = (int) varint();
      if (length < 0 || pos + length > end) {
        throw new IllegalStateException("truncated field");
      }
      byte[] out = Arrays.copyOfRange(buf, pos, pos + length);
      pos += length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() {
      int length = (int) varint();
      Reader sub = new Reader(buf, pos, pos + length);
      pos += length;
      return sub;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          int length = (int) varint(); // not "pos += varint()": that would add to the old pos
          pos += length;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalStateException("unsupported wire type " + (tag & 7));
      }
      if (pos > end) {
        throw new IllegalStateException("truncated field");
      }
    }
  }
}
