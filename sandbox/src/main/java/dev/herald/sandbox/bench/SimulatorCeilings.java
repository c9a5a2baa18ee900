package dev.herald.sandbox.bench;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.herald.testkit.fcm.FcmSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each simulator's own ceiling, measured in the bench's run with a plain client and no Herald code:
 * {@value #CONCURRENCY} requests kept in flight for a while, after an unmeasured warm-up (a Vert.x
 * HTTP/1.1 client with as many kept-alive connections; Pushy's client for APNs' HTTP/2), counting
 * accepted answers. Client and simulator share this JVM and the machine's cores, so the figure is a
 * floor.
 */
final class SimulatorCeilings {
  /**
   * As many concurrent requests as two dispatchers make to one provider at most (256 each by
   * default).
   */
  static final int CONCURRENCY = 512;

  /** Unmeasured time first: the JIT, and the connections (TLS for APNs) being opened. */
  static final Duration WARM_UP = Duration.ofSeconds(1);

  /** What one simulator took: accepted answers per second, and the requests that failed. */
  record Ceiling(double acceptedPerSecond, long failed) {}

  private SimulatorCeilings() {}

  static Ceiling sendgrid(BenchSimulators sims, Duration during) throws InterruptedException {
    String body =
        "{\"personalizations\":[{\"to\":[{\"email\":\"ceiling@customers.bench.example\"}],"
            + "\"custom_args\":{\"herald_delivery_id\":\"0196f5c2-9a7e-7000-8000-000000000001\"}}],"
            + "\"from\":{\"email\":\"bench@herald.example\",\"name\":\"Herald\"},\"subject\":\"Ceiling\","
            + "\"content\":[{\"type\":\"text/plain\",\"value\":\"A mail of about the size Herald sends.\"},"
            + "{\"type\":\"text/html\",\"value\":\"<p>A mail of about the size Herald sends.</p>\"}]}";
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(sims.sendgrid().port())
            .setURI("/v3/mail/send")
            .putHeader("Authorization", "Bearer " + BenchSimulators.SENDGRID_KEY)
            .putHeader("Content-Type", "application/json");
    return http(request, Buffer.buffer(body), 202, during);
  }

  static Ceiling twilio(BenchSimulators sims, Duration during) throws InterruptedException {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (sims.twilio().accountSid() + ":" + sims.twilio().authToken())
                    .getBytes(StandardCharsets.UTF_8));
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(sims.twilio().port())
            .setURI("/2010-04-01/Accounts/" + sims.twilio().accountSid() + "/Messages.json")
            .putHeader("Authorization", "Basic " + auth)
            .putHeader("Content-Type", "application/x-www-form-urlencoded");
    return http(
        request,
        Buffer.buffer("To=%2B14155552671&From=%2B14155550100&Body=Your+code+is+123456"),
        201,
        during);
  }

  static Ceiling fcm(BenchSimulators sims, Duration during) throws InterruptedException {
    String token = "bench-ceiling-access-token";
    sims.fcm().acceptAccessToken(token);
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(sims.fcm().port())
            .setURI("/v1/projects/" + BenchSimulators.FCM_PROJECT + "/messages:send")
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json");
    String body =
        "{\"message\":{\"token\":\""
            + FcmSimulator.newToken()
            + "\",\"notification\":{\"title\":\"Order 1003\","
            + "\"body\":\"Packed\"},\"android\":{\"priority\":\"NORMAL\"}}}";
    return http(request, Buffer.buffer(body), 200, during);
  }

  static Ceiling apns(BenchSimulators sims, Duration during) throws Exception {
    measureApns(sims, WARM_UP.multipliedBy(2));
    return measureApns(sims, during);
  }

  private static Ceiling measureApns(BenchSimulators sims, Duration during) throws Exception {
    String token = sims.iosToken(0);
    ApnsClient client =
        new ApnsClientBuilder()
            .setApnsServer("127.0.0.1", sims.apns().port())
            .setSigningKey(
                ApnsSigningKey.loadFromInputStream(
                    new ByteArrayInputStream(
                        sims.apns().signingKeyPem().getBytes(StandardCharsets.UTF_8)),
                    sims.apns().teamId(),
                    sims.apns().keyId()))
            .setTrustedServerCertificateChain(sims.apns().certificate())
            .setConcurrentConnections(4)
            .build();
    try {
      Semaphore inFlight = new Semaphore(CONCURRENCY);
      AtomicLong accepted = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long end = System.nanoTime() + during.toNanos();
      long started = System.nanoTime();
      while (System.nanoTime() < end) {
        if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        client
            .sendNotification(
                new SimpleApnsPushNotification(
                    token,
                    BenchSimulators.APNS_TOPIC,
                    "{\"aps\":{\"alert\":{\"title\":\"Order 1003\",\"body\":\"Packed\"}}}"))
            .whenComplete(
                (response, error) -> {
                  if (error == null && response.isAccepted()) {
                    accepted.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                  inFlight.release();
                });
      }
      inFlight.acquire(CONCURRENCY);
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Ceiling(accepted.get() / seconds, failed.get());
    } finally {
      client.close().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Keeps {@link #CONCURRENCY} requests in flight for {@code during}; counts answers of {@code
   * okStatus}.
   */
  private static Ceiling http(RequestOptions request, Buffer body, int okStatus, Duration during)
      throws InterruptedException {
    measureHttp(request, body, okStatus, WARM_UP);
    return measureHttp(request, body, okStatus, during);
  }

  private static Ceiling measureHttp(
      RequestOptions request, Buffer body, int okStatus, Duration during)
      throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions().setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(CONCURRENCY).setMaxWaitQueueSize(-1));
      AtomicLong accepted = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long started = System.nanoTime();
      long end = started + during.toNanos();
      CountDownLatch done = new CountDownLatch(CONCURRENCY);
      for (int i = 0; i < CONCURRENCY; i++) {
        Runnable[] next = new Runnable[1];
        next[0] =
            () -> {
              if (System.nanoTime() > end) {
                done.countDown();
                return;
              }
              client
                  .request(request)
                  .compose(r -> r.send(body))
                  .compose(r -> r.body().map(b -> r.statusCode()))
                  .onComplete(
                      answer -> {
                        if (answer.succeeded() && answer.result() == okStatus) {
                          accepted.incrementAndGet();
                        } else {
                          failed.incrementAndGet();
                        }
                        next[0].run();
                      });
            };
        vertx.runOnContext(v -> next[0].run());
      }
      done.await(during.toMillis() + 60_000, TimeUnit.MILLISECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Ceiling(accepted.get() / seconds, failed.get());
    } finally {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(e -> null)
          .join();
    }
  }
}
