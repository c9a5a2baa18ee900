package dev.herald.operator.http;

import static dev.herald.operator.http.Responses.blocking;
import static dev.herald.operator.http.Responses.json;

import dev.herald.core.Json;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (Postgres answers, caches synced), {@code
 * /openapi.json}.
 */
final class HealthRoutes {
  static final String OPENAPI_RESOURCE = "/dev/herald/operator/http/openapi.json";

  private final Jdbi jdbi;
  private final BooleanSupplier synced;
  private final String openApi;

  HealthRoutes(Jdbi jdbi, BooleanSupplier synced) {
    this.jdbi = jdbi;
    this.synced = synced;
    this.openApi = openApiDocument();
  }

  static String openApiDocument() {
    try (InputStream in = HealthRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void mount(Router router) {
    router
        .get("/healthz")
        .handler(ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok")));
    blocking(
        router.get("/readyz"),
        ctx -> {
          if (!synced.getAsBoolean()) {
            throw Problem.of(
                503,
                "not-ready",
                "Not ready",
                "caches of API keys, templates and providers are not synced yet");
          }
          try {
            jdbi.useHandle(h -> h.execute("select 1"));
          } catch (RuntimeException e) {
            throw Problem.of(503, "not-ready", "Not ready", "Postgres does not answer");
          }
          json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ready"));
        });
    router
        .get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi));
  }
}
