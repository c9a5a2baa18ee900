package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Campaign run's throttle, kept by relays taking due deliveries, and its frequency cap, kept by
 * dispatchers claiming them: both shared by every process through Postgres.
 */
class CampaignPacingTest {
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;
  private static CampaignRunStore runs;
  private static FrequencyCaps caps;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("pacing");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 8),
            "pacing-test");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
    runs = new CampaignRunStore(db.jdbi());
    caps = new FrequencyCaps(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  /**
   * Small relay batches: booking the run's slots takes many passes, during which the deliveries
   * whose slots came must still leave on time rather than in a burst afterwards.
   */
  private static final int BATCH = 3;

  @Test
  void twoRelaysTogetherReleaseAThrottledRunNoFasterThanItsThrottle() throws Exception {
    String tenant = "throttle";
    int perSecond = 50;
    int total = 300;
    NotificationRecord run =
        campaignRun(tenant, "sale", "marketing", new Pacing(perSecond, null), total, "u");
    // An unthrottled notification due at the same time is not held back by the throttled one.
    NotificationRecord otp = accept(tenant, "otp", "security", Priority.HIGH, 5, "u", Pacing.NONE);

    Map<UUID, Instant> released = new ConcurrentHashMap<>();
    ExecutorService relays = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    Instant start = Instant.now();
    List<Future<?>> running = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      running.add(
          relays.submit(
              () -> {
                go.await();
                while (released.size() < total + 5) {
                  for (DeliveryStore.Due d :
                      db.jdbi().inTransaction(h -> deliveries.takeDue(h, BATCH))) {
                    assertThat(released.putIfAbsent(d.message().deliveryId(), Instant.now()))
                        .as("each delivery is released once")
                        .isNull();
                  }
                  // a relay's poll interval, shorter than the throttle's gap
                  java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
                return null;
              }));
    }
    go.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> running.stream().allMatch(Future::isDone));
    for (Future<?> f : running) {
      f.get();
    }
    relays.shutdown();

    List<Instant> times =
        released.entrySet().stream()
            .filter(e -> isOf(e.getKey(), run))
            .map(Map.Entry::getValue)
            .sorted()
            .toList();
    assertThat(times).hasSize(total);
    // The first burst (one second's worth) aside, no second releases more than the throttle.
    Duration took = Duration.between(start, times.get(times.size() - 1));
    assertThat(took)
        .as("%d deliveries at %d/s", total, perSecond)
        .isGreaterThanOrEqualTo(
            Duration.ofMillis((total - perSecond - 1) * 1000L / perSecond - 50));
    for (int i = 0; i + 2 * perSecond + 1 < times.size(); i++) {
      assertThat(Duration.between(times.get(i), times.get(i + 2 * perSecond + 1)))
          .as("releases %d..%d span at least a second", i, i + 2 * perSecond + 1)
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
    List<Instant> otpTimes =
        released.entrySet().stream()
            .filter(e -> isOf(e.getKey(), otp))
            .map(Map.Entry::getValue)
            .toList();
    assertThat(otpTimes).hasSize(5);
    assertThat(Collections.max(otpTimes)).isBefore(start.plusSeconds(1));
  }

  @Test
  void twoCampaignsReachingOneUserAtOnceSendNoMoreThanTheCap() throws Exception {
    String tenant = "caps";
    int users = 30;
    Pacing capOne = new Pacing(null, new Pacing.FrequencyCap(1, Duration.ofHours(24)));
    NotificationRecord a = campaignRun(tenant, "spring", "marketing", capOne, users, "u");
    NotificationRecord b = campaignRun(tenant, "summer", "marketing", capOne, users, "u");
    List<Claimed> claimed = new ArrayList<>();
    claimed.addAll(claimAll(a));
    claimed.addAll(claimAll(b));
    Collections.shuffle(claimed, new java.util.Random(7));

    ExecutorService dispatchers = Executors.newFixedThreadPool(6);
    List<Future<Boolean>> admitted =
        claimed.stream()
            .map(
                c ->
                    dispatchers.submit(
                        () -> caps.admit(c.key(), tenant, c.userId(), "marketing", capOne.cap())))
            .toList();
    Map<String, Integer> perUser = new ConcurrentHashMap<>();
    for (int i = 0; i < claimed.size(); i++) {
      if (admitted.get(i).get()) {
        perUser.merge(claimed.get(i).userId(), 1, Integer::sum);
      }
    }
    dispatchers.shutdown();

    assertThat(perUser).hasSize(users);
    assertThat(perUser.values()).allMatch(n -> n == 1);
    long suppressed =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "select count(*) from deliveries where tenant = :t and state = 'suppressed'"
                                + " and failure_reason = 'frequency_cap'")
                        .bind("t", tenant)
                        .mapTo(Long.class)
                        .one());
    assertThat(suppressed).isEqualTo(users);
  }

  @Test
  void transactionalSendsOfTheCategoryCountAndOtherCategoriesDoNot() {
    String tenant = "caps-tx";
    Pacing capTwo = new Pacing(null, new Pacing.FrequencyCap(2, Duration.ofHours(1)));
    // u-0 had two sends of the category within the hour, one of another category, one sent
    // two hours ago.
    NotificationRecord receipt =
        accept(tenant, "receipt", "marketing", Priority.NORMAL, 1, "u", Pacing.NONE);
    NotificationRecord promo =
        accept(tenant, "promo", "marketing", Priority.NORMAL, 1, "u", Pacing.NONE);
    NotificationRecord old =
        accept(tenant, "old", "marketing", Priority.NORMAL, 1, "u", Pacing.NONE);
    NotificationRecord other =
        accept(tenant, "other", "security", Priority.NORMAL, 1, "u", Pacing.NONE);
    markSent(receipt, "now()");
    markSent(promo, "now()");
    markSent(other, "now()");
    markSent(old, "now() - interval '2 hours'");

    NotificationRecord run = campaignRun(tenant, "weekly", "marketing", capTwo, 1, "u");
    Claimed c = claimAll(run).get(0);
    assertThat(caps.admit(c.key(), tenant, "u-0", "marketing", capTwo.cap())).isFalse();
    assertThat(stateOf(c.key())).isEqualTo(DeliveryState.SUPPRESSED.wireName());

    // Another category's cap is not reached by those sends.
    NotificationRecord security = campaignRun(tenant, "tips", "tips", capTwo, 1, "u");
    Claimed s = claimAll(security).get(0);
    assertThat(caps.admit(s.key(), tenant, "u-0", "tips", capTwo.cap())).isTrue();
    assertThat(stateOf(s.key())).isEqualTo("sending");
  }

  private record Claimed(DeliveryKey key, String userId) {}

  private static List<Claimed> claimAll(NotificationRecord n) {
    List<Claimed> keys =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "select id, created_at, user_id from deliveries where notification_id = :id")
                        .bind("id", n.id())
                        .map(
                            (rs, ctx) ->
                                new Claimed(
                                    new DeliveryKey(
                                        rs.getObject("id", UUID.class),
                                        rs.getObject("created_at", java.time.OffsetDateTime.class)
                                            .toInstant()),
                                    rs.getString("user_id")))
                        .list());
    assertThat(deliveries.claim(keys.stream().map(Claimed::key).toList(), Duration.ofMinutes(1)))
        .hasSize(keys.size());
    return keys;
  }

  private static void markSent(NotificationRecord n, String sentAt) {
    db.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "update deliveries set state = 'sent', sent_at = "
                        + sentAt
                        + " where notification_id = ?",
                    n.id()));
  }

  private static String stateOf(DeliveryKey key) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("select state from deliveries where id = :id")
                    .bind("id", key.id())
                    .mapTo(String.class)
                    .one());
  }

  private static boolean isOf(UUID deliveryId, NotificationRecord n) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("select notification_id = :n from deliveries where id = :id")
                    .bind("n", n.id())
                    .bind("id", deliveryId)
                    .mapTo(Boolean.class)
                    .one());
  }

  /** A Campaign's run with {@code recipients} deliveries to users {@code prefix-0…}. */
  private static NotificationRecord campaignRun(
      String tenant,
      String campaign,
      String category,
      Pacing pacing,
      int recipients,
      String prefix) {
    NotificationRecord n =
        accept(tenant, campaign, category, Priority.BULK, recipients, prefix, pacing);
    runs.create(
        n,
        campaign,
        "uid-" + campaign,
        Instant.parse("2027-01-04T09:00:00Z"),
        Instant.now(),
        "{}",
        pacing);
    return n;
  }

  private static NotificationRecord accept(
      String tenant,
      String name,
      String category,
      Priority priority,
      int recipients,
      String prefix,
      Pacing pacing) {
    ContactStore contacts = new ContactStore(db.jdbi());
    for (int i = 0; i < recipients; i++) {
      contacts.upsertUser(tenant, prefix + "-" + i, prefix + i + "@x.io", null, "en", null, null);
    }
    NewNotification n =
        new NewNotification(
            tenant,
            Source.CAMPAIGN,
            name + "-" + UUID.randomUUID(),
            name,
            "tpl",
            category,
            priority,
            List.of(Channel.EMAIL),
            List.of(),
            new TemplateContent(
                null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
            Json.MAPPER.createObjectNode(),
            null,
            null);
    return notifications
        .accept(
            n,
            IntStream.range(0, recipients)
                .mapToObj(
                    i ->
                        NewDelivery.pending(
                            prefix + "-" + i, Channel.EMAIL, null, prefix + i + "@x.io", "en"))
                .toList())
        .notification();
  }
}
