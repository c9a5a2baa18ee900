package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulk import of users: streamed NDJSON and CSV, with rejected lines reported by number. */
class ApiImportTest {
  private static final String NS = "crm";
  static final int USERS = Integer.getInteger("herald.import.users", 200_000);
  private static HeraldEnvironment env;
  private static ApiClient api;
  private static String key;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-import", Duration.ofSeconds(3));
    api = new ApiClient(env.operator.apiPort());
    key = apiKey(env, api, NS, "crm", "contacts,read");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** NDJSON lines generated as they are sent: never all in memory on either side. */
  private static final class Users extends InputStream {
    private long line;
    private byte[] current = new byte[0];
    private int position;

    private String next() {
      line++;
      if (line > USERS) {
        return null;
      }
      if (line % 100_000 == 7) {
        return "{\"id\":\"u" + line + "\",\"phone\":\"+12\"}\n"; // invalid phone
      }
      if (line == 5) {
        return "{not json\n";
      }
      if (line == USERS) {
        return "{\"id\":\"u1\",\"email\":\"again@example.com\"}\n"; // u1 again: the last row wins
      }
      return "{\"id\":\"u"
          + line
          + "\",\"email\":\"u"
          + line
          + "@example.com\",\"phone\":\"+1415555"
          + String.format("%04d", line % 10_000)
          + "\",\"locale\":\"en-US\",\"timeZone\":\"America/New_York\",\"attributes\":{\"n\":"
          + line
          + "}}\n";
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      while (position >= current.length) {
        String s = next();
        if (s == null) {
          return -1;
        }
        current = s.getBytes(StandardCharsets.UTF_8);
        position = 0;
      }
      int n = Math.min(len, current.length - position);
      System.arraycopy(current, position, b, off, n);
      position += n;
      return n;
    }
  }

  private static JsonNode post(String contentType, HttpRequest.BodyPublisher body)
      throws Exception {
    HttpResponse<String> r =
        api.http()
            .send(
                api.request(
                        "POST", "/v1/imports/users", key, null, Map.of("Content-Type", contentType))
                    .timeout(Duration.ofMinutes(5))
                    .POST(body)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void manyNdjsonUsersStreamThroughWithRejectedLinesNamed() throws Exception {
    long started = System.nanoTime();
    JsonNode report =
        post("application/x-ndjson", HttpRequest.BodyPublishers.ofInputStream(Users::new));
    long millis = (System.nanoTime() - started) / 1_000_000;
    long invalidPhones = (USERS - 7) / 100_000 + 1;
    assertThat(report.path("received").asLong()).isEqualTo(USERS);
    assertThat(report.path("rejected").asLong()).isEqualTo(invalidPhones + 1);
    assertThat(report.path("imported").asLong()).isEqualTo(USERS - invalidPhones - 1);
    assertThat(report.path("created").asLong()).isEqualTo(USERS - invalidPhones - 2);
    assertThat(report.path("errors").get(0).path("line").asLong()).isEqualTo(5);
    assertThat(report.path("errors").get(0).path("field").asText()).isEqualTo("line");
    assertThat(report.path("errors").get(1).path("line").asLong()).isEqualTo(7);
    assertThat(report.path("errors").get(1).path("field").asText()).isEqualTo("phone");
    assertThat(ApiFixtures.count(env, "select count(*) from users where tenant = ?", NS))
        .isEqualTo(USERS - invalidPhones - 2);
    assertThat(api.get("/v1/users/u1", key).json().path("email").asText())
        .isEqualTo("again@example.com");
    assertThat(api.get("/v1/users/u8", key).json().path("phone").asText())
        .isEqualTo("+14155550008");
    System.out.printf("imported %d NDJSON users in %d ms%n", USERS, millis);
  }

  @Test
  void csvWithQuotesAndAttributeColumns() throws Exception {
    String csv =
        """
        id,email,phone,locale,timeZone,plan,"city, region"
        c1,c1@example.com,+49 170 1234567,de-DE,Europe/Berlin,pro,"Berlin, BE"
        c2,,+44 20 7946 0958,,,"free \"\"trial\"\"",
        c3,not-an-email,,,,,
        c4,only,three
        """;
    JsonNode report = post("text/csv", HttpRequest.BodyPublishers.ofString(csv));
    assertThat(report.path("received").asLong()).isEqualTo(4);
    assertThat(report.path("imported").asLong()).isEqualTo(2);
    assertThat(report.path("errors").toString())
        .contains("\"line\":4", "\"field\":\"email\"", "\"line\":5");
    JsonNode c1 = api.get("/v1/users/c1", key).json();
    assertThat(c1.path("phone").asText()).isEqualTo("+491701234567");
    assertThat(c1.path("attributes").path("city, region").asText()).isEqualTo("Berlin, BE");
    assertThat(api.get("/v1/users/c2", key).json().path("attributes").path("plan").asText())
        .isEqualTo("free \"trial\"");
  }

  @Test
  void wrongMediaTypeOrScopeImportsNothing() {
    String reader = apiKey(env, api, NS, "crm-reader", "read");
    long before = ApiFixtures.count(env, "select count(*) from users where tenant = ?", NS);
    var wrongType = api.send("POST", "/v1/imports/users", key, "{\"id\":\"x1\"}");
    assertThat(wrongType.status()).isEqualTo(415);
    var wrongScope =
        api.send(
            "POST",
            "/v1/imports/users",
            reader,
            "{\"id\":\"x2\"}",
            Map.of("Content-Type", "application/x-ndjson"));
    assertThat(wrongScope.status()).isEqualTo(403);
    assertThat(
            api.send(
                    "POST",
                    "/v1/imports/users",
                    null,
                    "{\"id\":\"x3\"}",
                    Map.of("Content-Type", "application/x-ndjson"))
                .status())
        .isEqualTo(401);
    assertThat(ApiFixtures.count(env, "select count(*) from users where tenant = ?", NS))
        .isEqualTo(before);
  }
}
