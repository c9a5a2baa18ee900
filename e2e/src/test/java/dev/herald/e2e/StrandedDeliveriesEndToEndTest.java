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
    env.emailNotification(ns, "lost", "order-shipped", Map.of("orderId", "13", "note", "n"),
        "l1@lost.example", "l2@lost.example", "l3@lost.example");
    // No dispatcher runs yet: the three deliveries wait in the stream.
    await().atMost(Duration.ofSeconds(20)).until(() -> env.deliveriesIn(ns, "queued") == 3);

    try (Database db = Database.open(env.store, "sweeper-test");
         QueueConnection queue = QueueConnection.connect(env.queue, "sweeper-test")) {
      StrandedDeliverySweeper sweeper = new StrandedDeliverySweeper(new DeliveryStore(db.jdbi()),
          new DeliveryPublisher(queue), queue.management(), env.queue.names().stream());
      assertThat(sweeper.runOnce(Duration.ZERO)).as("nothing is lost yet").isZero();

      // The broker loses what it had acknowledged.
      queue.management().purgeStream(env.queue.names().stream());
      assertThat(sweeper.runOnce(Duration.ZERO)).isEqualTo(3);
      assertThat(sweeper.runOnce(Duration.ZERO)).as("republished messages are in the stream").isZero();
    }

    env.startDispatcher("dispatcher");
    env.awaitPhase(ns, "lost", "Completed");
    for (String to : new String[] {"l1@lost.example", "l2@lost.example", "l3@lost.example"}) {
      assertThat(env.sendgrid.mailsTo(to)).hasSize(1);
    }
  }
}
