package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.db.Database;
import dev.herald.core.queue.DeliveryPublisher;
import dev.herald.core.queue.QueueConnection;
import dev.herald.core.store.DeliveryStore;
import dev.herald.operator.relay.StrandedDeliverySweeper;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JetStream may lose messages it acknowledged (DESIGN §5). Postgres still says the deliveries are
 * queued; the sweeper notices their messages are gone and publishes them again.
 */
class StrandedDeliveriesEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-stranded", Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void deliveriesWhoseMessagesTheStreamLostAreRepublishedAndDeliveredOnce() throws Exception {
    String ns = "stranded";
    env.emailSetup(ns);
    env.emailNotification(
        ns,
        "lost",
        "order-shipped",
        Map.of("orderId", "13", "note", "n"),
        "l1@lost.example",
        "l2@lost.example",
        "l3@lost.example");
    // No dispatcher runs yet: the three deliveries wait in the stream.
    await().atMost(Duration.ofSeconds(20)).until(() -> env.deliveriesIn(ns, "queued") == 3);

    try (Database db = Database.open(env.store, "sweeper-test");
        QueueConnection queue = QueueConnection.connect(env.queue, "sweeper-test")) {
      StrandedDeliverySweeper sweeper =
          new StrandedDeliverySweeper(
              new DeliveryStore(db.jdbi()),
              new DeliveryPublisher(queue),
              queue.management(),
              env.queue.names().stream(),
              queue::repairTopology);
      assertThat(sweeper.runOnce(Duration.ZERO)).as("nothing is lost yet").isZero();

      // The broker loses what it had acknowledged.
      queue.management().purgeStream(env.queue.names().stream());
      assertThat(sweeper.runOnce(Duration.ZERO)).isEqualTo(3);
      assertThat(sweeper.runOnce(Duration.ZERO))
          .as("republished messages are in the stream")
          .isZero();
    }

    dev.herald.dispatcher.Dispatcher dispatcher = env.startDispatcher("dispatcher");
    env.awaitPhase(ns, "lost", "Completed");
    for (String to : new String[] {"l1@lost.example", "l2@lost.example", "l3@lost.example"}) {
      assertThat(env.sendgrid.mailsTo(to)).hasSize(1);
    }
    // The other test needs its backlog to stay in the stream until it starts its own.
    env.forget(dispatcher);
    dispatcher.close();
  }

  @Test
  void aSweepRecoversAWholeWipedBacklogAndChecksWhichMessageSitsAtEachSequence() throws Exception {
    String ns = "wiped";
    env.emailSetup(ns);
    for (int part = 0; part < 2; part++) {
      int from = part * 700;
      env.emailNotification(
          ns,
          "backlog-" + part,
          "order-shipped",
          Map.of("orderId", "14", "note", "n"),
          java.util.stream.IntStream.range(from, from + 700)
              .mapToObj(i -> "w" + i + "@wiped.example")
              .toArray(String[]::new));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> env.deliveriesIn(ns, "queued") == 1400);

    try (Database db = Database.open(env.store, "sweeper-test-2");
        QueueConnection queue = QueueConnection.connect(env.queue, "sweeper-test-2")) {
      StrandedDeliverySweeper sweeper =
          new StrandedDeliverySweeper(
              new DeliveryStore(db.jdbi()),
              new DeliveryPublisher(queue),
              queue.management(),
              env.queue.names().stream(),
              queue::repairTopology);
      // One delivery's recorded sequence now names another delivery's message, as after a wiped
      // store whose sequences started again: a message exists there, but not this one.
      ApiFixtures.execute(
          env,
          """
          update deliveries set stream_seq = (select max(stream_seq) from deliveries where tenant = ?)
          where id = (select min(id::text)::uuid from deliveries where tenant = ?)""",
          ns,
          ns);
      assertThat(sweeper.runOnce(Duration.ZERO))
          .as("only the one whose sequence names another message")
          .isEqualTo(1);

      queue.management().purgeStream(env.queue.names().stream());
      assertThat(sweeper.runOnce(Duration.ZERO))
          .as("the whole backlog in one pass")
          .isEqualTo(1400);
      assertThat(sweeper.runOnce(Duration.ZERO)).isZero();
    }

    dev.herald.dispatcher.Dispatcher dispatcher = env.startDispatcher("dispatcher-wiped");
    env.awaitPhase(ns, "backlog-0", "Completed");
    env.awaitPhase(ns, "backlog-1", "Completed");
    env.forget(dispatcher);
    dispatcher.close();
    long mails =
        env.sendgrid.mails().stream()
            .filter(m -> m.toEmails().get(0).endsWith("@wiped.example"))
            .count();
    assertThat(mails).as("one mail per delivery").isEqualTo(1400);
  }

  @Test
  void aStreamTheBrokerForgotIsSetUpAgainByTheSweepAndItsBacklogSentOnce() throws Exception {
    String ns = "forgotten";
    env.emailSetup(ns);
    env.emailNotification(
        ns,
        "forgotten",
        "order-shipped",
        Map.of("orderId", "15", "note", "n"),
        "f1@forgotten.example",
        "f2@forgotten.example");
    await().atMost(Duration.ofSeconds(20)).until(() -> env.deliveriesIn(ns, "queued") == 2);

    try (Database db = Database.open(env.store, "sweeper-test-3");
        QueueConnection queue = QueueConnection.connect(env.queue, "sweeper-test-3")) {
      // A wiped store: the stream and its consumers are gone, and every delivery is queued, so no
      // publish of the relay's finds out.
      queue.management().deleteStream(env.queue.names().stream());
      StrandedDeliverySweeper sweeper =
          new StrandedDeliverySweeper(
              new DeliveryStore(db.jdbi()),
              new DeliveryPublisher(queue),
              queue.management(),
              env.queue.names().stream(),
              queue::repairTopology);
      assertThat(sweeper.runOnce(Duration.ZERO)).isEqualTo(2);
      assertThat(
              queue
                  .management()
                  .getStreamInfo(env.queue.names().stream())
                  .getStreamState()
                  .getMsgCount())
          .isEqualTo(2);
    }
    dev.herald.dispatcher.Dispatcher dispatcher = env.startDispatcher("dispatcher-forgotten");
    env.awaitPhase(ns, "forgotten", "Completed");
    assertThat(env.sendgrid.mailsTo("f1@forgotten.example")).hasSize(1);
    assertThat(env.sendgrid.mailsTo("f2@forgotten.example")).hasSize(1);
    env.forget(dispatcher);
    dispatcher.close();
  }

  @Test
  void anIdleDispatcherFindsItsConsumersGoneAndSetsThemUpAgain() throws Exception {
    dev.herald.dispatcher.Dispatcher dispatcher = env.startDispatcher("dispatcher-idle");
    try (QueueConnection queue = QueueConnection.connect(env.queue, "consumer-check")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> consumers(queue) > 0);
      queue.management().deleteStream(env.queue.names().stream());
      // Nothing publishes meanwhile: only the dispatcher's own check can find the lanes gone.
      await().atMost(Duration.ofSeconds(30)).until(() -> consumers(queue) == 9);
    }
    String ns = "after-forgetting";
    env.emailSetup(ns);
    env.emailNotification(
        ns, "after", "order-shipped", Map.of("orderId", "16", "note", "n"), "a@after.example");
    env.awaitPhase(ns, "after", "Completed");
    assertThat(env.sendgrid.mailsTo("a@after.example")).hasSize(1);
    env.forget(dispatcher);
    dispatcher.close();
  }

  private static long consumers(QueueConnection queue) {
    try {
      return queue.management().getConsumerNames(env.queue.names().stream()).size();
    } catch (Exception e) {
      return 0;
    }
  }
}
