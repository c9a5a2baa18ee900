package dev.herald.e2e;

import static dev.herald.e2e.ApiFixtures.apiKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Json;
import dev.herald.operator.http.ApiSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that send slowly or stop sending hold no connection for long: a body that stops is
 * answered 408 within the body idle time, a kept-alive connection must start its next request
 * within the header timeout, a connection on which nothing moves is closed at the idle timeout —
 * and a request that is merely slow but keeps going is served.
 */
class ApiSlowClientTest {
  private static final Duration HEADER = Duration.ofMillis(1500);
  private static final Duration BODY_IDLE = Duration.ofMillis(1000);
  private static final Duration IDLE = Duration.ofMillis(4000);
  private static HeraldEnvironment env;
  private static String key;
  private static int port;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-api-slow", Duration.ofSeconds(3));
    env.restartOperator(ApiSettings.ephemeral().withTimeouts(HEADER, BODY_IDLE, IDLE));
    port = env.operator.apiPort();
    key = apiKey(env, new ApiClient(port), "shop", "admin", "send,contacts,read");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aBodyThatNeverCompletesIsAnswered408AndClosed() throws IOException {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(
          s,
          "PUT /v1/users/slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + key
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":");
      String answer = readToClose(s);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(answer).contains("application/problem+json");
      var problem = Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(problem.path("field").asText()).isEqualTo("body");
      assertThat(took)
          .as("answered within the body idle time")
          .isBetween(BODY_IDLE.toMillis() - 100, 5000L);
    }
    assertThat(ApiFixtures.count(env, "select count(*) from users where user_id = 'slow'"))
        .isZero();
  }

  @Test
  void aSlowBodyThatKeepsComingIsServed() throws Exception {
    String body = "{\"email\":\"steady@example.com\"}";
    try (Socket s = connect()) {
      send(
          s,
          "PUT /v1/users/steady HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
              + key
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n");
      for (char c : body.toCharArray()) {
        send(s, String.valueOf(c));
        Thread.sleep(BODY_IDLE.toMillis() / 10); // the client's pace, not a wait for Herald
      }
      assertThat(readToClose(s)).startsWith("HTTP/1.1 201");
    }
  }

  @Test
  void aNewConnectionWhoseHeadersTrickleIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(s, "GET /v1/users/x HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      // A byte every 300 ms: never idle, never done.
      java.util.concurrent.ScheduledExecutorService client =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      client.scheduleAtFixedRate(
          () -> {
            try {
              send(s, "a");
            } catch (IOException e) {
              client.shutdown(); // closed by the server
            }
          },
          300,
          300,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      readToClose(s);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      client.shutdownNow();
      assertThat(took)
          .as("closed at the header timeout")
          .isBetween(HEADER.toMillis() - 100, IDLE.toMillis() - 500);
    }
  }

  @Test
  void aNewConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws IOException {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      readToClose(s);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(took)
          .as("closed at the header timeout")
          .isBetween(HEADER.toMillis() - 100, IDLE.toMillis() - 500);
    }
  }

  @Test
  void aKeptAliveConnectionMustSendItsNextRequestInTime() throws IOException {
    try (Socket s = connect()) {
      send(
          s,
          "GET /v1/users/nobody HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n");
      long start = System.nanoTime();
      String answer = readToClose(s);
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(answer).startsWith("HTTP/1.1 404");
      assertThat(took)
          .as("closed after the header timeout")
          .isBetween(HEADER.toMillis() - 100, IDLE.toMillis() - 500);
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(15_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Everything the server sends until it closes the connection (a read timeout fails the test). */
  private static String readToClose(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection", e);
    }
  }
}
