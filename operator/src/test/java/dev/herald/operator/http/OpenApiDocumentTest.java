package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document lists exactly the routes the router serves, and nothing else. */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  @Test
  void documentListsEveryRouteTheRouterServes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ApiServer.Services none =
          new ApiServer.Services(null, null, null, null, null, null, null, null, null);
      var router =
          ApiServer.router(vertx, ApiSettings.ephemeral(), none, new ApiKeys(null, null, 1, null));
      Set<String> served = new TreeSet<>();
      for (Route r : router.getRoutes()) {
        if (r.getPath() == null || r.methods() == null || r.getPath().endsWith("*")) {
          continue; // the body handler and failure handlers
        }
        for (HttpMethod m : r.methods()) {
          served.add(
              m.name().toLowerCase(Locale.ROOT)
                  + " "
                  + r.getPath().replaceAll(":([A-Za-z]+)", "{$1}"));
        }
      }
      JsonNode doc = Json.MAPPER.readTree(HealthRoutes.openApiDocument());
      assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
      Set<String> documented = new TreeSet<>();
      for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
        String path = paths.next();
        doc.path("paths")
            .path(path)
            .fieldNames()
            .forEachRemaining(
                m -> {
                  if (METHODS.contains(m)) {
                    documented.add(m + " " + path);
                  }
                });
      }
      assertThat(served).hasSizeGreaterThan(15);
      assertThat(documented).isEqualTo(served);
    } finally {
      vertx.close();
    }
  }
}
