package dev.herald.sandbox.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * OpenAPI v3 documents built from the schemas of the CRDs the mock holds, as kube-apiserver
 * publishes them: {@code /openapi/v3} lists one document per group-version, and {@code
 * /openapi/v3/apis/<group>/<version>} holds each kind's schema (with {@code apiVersion}, {@code
 * kind} and {@code metadata} added) and its paths. {@code kubectl explain} reads these.
 *
 * <p>Built-in kinds have no schema here: {@code kubectl explain pod} finds none. The paths carry no
 * request bodies and no {@code fieldValidation} parameter, so {@code kubectl apply} keeps computing
 * JSON merge patches and validates nothing on the client, as before (the mock enforces no schema
 * either; Herald's operator checks every resource against its schema).
 */
final class OpenApiV3 {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

  private OpenApiV3() {}

  /**
   * {@code /openapi/v3}: the group-versions that have CRD schemas, each with its document's URL.
   */
  static ObjectNode root(List<CrdInfo> crds) {
    TreeMap<String, String> urls = new TreeMap<>();
    for (CrdInfo crd : crds) {
      for (CrdInfo.Version v : crd.versions()) {
        if (v.served() && v.schema().isObject()) {
          String path = "apis/" + crd.group() + "/" + v.name();
          groupVersion(crd.group(), v.name(), crds)
              .ifPresent(doc -> urls.put(path, "/openapi/v3/" + path + "?hash=" + hash(doc)));
        }
      }
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    urls.forEach((path, url) -> paths.putObject(path).put("serverRelativeURL", url));
    return root;
  }

  /** {@code /openapi/v3/apis/<group>/<version>}; empty when no CRD of it has a schema. */
  static Optional<ObjectNode> groupVersion(String group, String version, List<CrdInfo> crds) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    boolean any = false;
    for (CrdInfo crd : crds) {
      Optional<CrdInfo.Version> v = crd.version(version);
      if (!crd.group().equals(group) || v.isEmpty() || !v.get().schema().isObject()) {
        continue;
      }
      any = true;
      String name = schemaName(group, version, crd.kind());
      schemas.set(name, kindSchema(crd, version, v.get().schema()));
      addPaths(paths, crd, version, name);
    }
    if (!any) {
      return Optional.empty();
    }
    schemas.set(OBJECT_META, objectMeta());
    return Optional.of(doc);
  }

  /**
   * {@code herald.dev}, {@code v1alpha1}, {@code Notification} → {@code
   * dev.herald.v1alpha1.Notification}.
   */
  static String schemaName(String group, String version, String kind) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  private static ObjectNode kindSchema(CrdInfo crd, String version, JsonNode crdSchema) {
    ObjectNode schema = crdSchema.deepCopy();
    schema.put("type", "object");
    ObjectNode properties = schema.withObjectProperty("properties");
    properties
        .putObject("apiVersion")
        .put("type", "string")
        .put(
            "description",
            "APIVersion defines the versioned schema of this representation of an object. Servers "
                + "should convert recognized schemas to the latest internal value, and may reject "
                + "unrecognized values.");
    properties
        .putObject("kind")
        .put("type", "string")
        .put(
            "description",
            "Kind is a string value representing the REST resource this object represents. Servers "
                + "may infer this from the endpoint the client submits requests to. Cannot be "
                + "updated. In CamelCase.");
    ObjectNode metadata = properties.putObject("metadata");
    metadata.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + OBJECT_META);
    metadata.put("description", "Standard object's metadata.");
    gvk(schema, crd, version);
    return schema;
  }

  private static void addPaths(ObjectNode paths, CrdInfo crd, String version, String schemaName) {
    String base =
        "/apis/"
            + crd.group()
            + "/"
            + version
            + (crd.namespaced() ? "/namespaces/{namespace}/" : "/")
            + crd.plural();
    ObjectNode collection = paths.putObject(base);
    operation(collection, "get", "list", crd, version, null);
    ObjectNode item = paths.putObject(base + "/{name}");
    operation(item, "get", "get", crd, version, schemaName);
    operation(item, "patch", "patch", crd, version, schemaName);
  }

  private static void operation(
      ObjectNode path,
      String method,
      String action,
      CrdInfo crd,
      String version,
      String schemaName) {
    ObjectNode op = path.putObject(method);
    op.put("operationId", action + crd.kind());
    op.put("x-kubernetes-action", action);
    // an operation names its kind with one object, a schema with a list (as kube-apiserver does;
    // kubectl explain's template relies on both)
    op.putObject("x-kubernetes-group-version-kind")
        .put("group", crd.group())
        .put("kind", crd.kind())
        .put("version", version);
    ObjectNode ok = op.putObject("responses").putObject("200");
    ok.put("description", "OK");
    if (schemaName != null) {
      ok.putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", "#/components/schemas/" + schemaName);
    }
  }

  private static void gvk(ObjectNode node, CrdInfo crd, String version) {
    ArrayNode gvks = node.putArray("x-kubernetes-group-version-kind");
    gvks.addObject().put("group", crd.group()).put("kind", crd.kind()).put("version", version);
  }

  /** The fields of ObjectMeta a Herald resource uses, described as Kubernetes describes them. */
  private static ObjectNode objectMeta() {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("type", "object");
    meta.put(
        "description",
        "ObjectMeta is metadata that all persisted resources must have, "
            + "which includes all objects users must create.");
    ObjectNode p = meta.putObject("properties");
    p.set("name", string("Name must be unique within a namespace. Cannot be updated."));
    p.set(
        "namespace",
        string(
            "Namespace defines the space within which each name must be "
                + "unique. Cannot be updated."));
    p.set(
        "generateName",
        string(
            "An optional prefix, used by the server, to generate a unique "
                + "name ONLY IF the Name field has not been provided."));
    p.set(
        "labels",
        stringMap(
            "Map of string keys and values that can be used to organize and "
                + "categorize (scope and select) objects."));
    p.set(
        "annotations",
        stringMap(
            "Annotations is an unstructured key value map stored with a "
                + "resource that may be set by external tools to store and retrieve arbitrary metadata."));
    ObjectNode finalizers = p.putObject("finalizers");
    finalizers
        .put("type", "array")
        .put("description", "Must be empty before the object is " + "deleted from the registry.");
    finalizers.putObject("items").put("type", "string");
    p.set("uid", string("UID is the unique in time and space value for this object. Read-only."));
    p.set(
        "resourceVersion",
        string(
            "An opaque value that represents the internal version of "
                + "this object. Read-only."));
    p.putObject("generation")
        .put("type", "integer")
        .put("format", "int64")
        .put(
            "description",
            "A sequence number representing a specific generation of the desired state. Read-only.");
    p.set(
        "creationTimestamp",
        time(
            "CreationTimestamp is a timestamp representing the server "
                + "time when this object was created. Read-only."));
    p.set(
        "deletionTimestamp",
        time(
            "DeletionTimestamp is RFC 3339 date and time at which this "
                + "resource will be deleted. Read-only."));
    return meta;
  }

  private static ObjectNode string(String description) {
    return JSON.createObjectNode().put("type", "string").put("description", description);
  }

  private static ObjectNode time(String description) {
    return string(description).put("format", "date-time");
  }

  private static ObjectNode stringMap(String description) {
    ObjectNode map = JSON.createObjectNode().put("type", "object").put("description", description);
    map.putObject("additionalProperties").put("type", "string");
    return map;
  }

  private static String hash(JsonNode doc) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-512")
              .digest(JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
