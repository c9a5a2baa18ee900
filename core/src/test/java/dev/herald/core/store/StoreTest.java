package dev.herald.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.api.template.EmailContent;
import dev.herald.core.Json;
import dev.herald.core.config.StoreSettings;
import dev.herald.core.db.Database;
import dev.herald.core.template.TemplateContent;
import dev.herald.testkit.postgres.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store against the machine's Postgres, in a database of its own. */
class StoreTest {
  private static TestDatabase testDb;
  private static Database db;
  private static NotificationStore notifications;
  private static DeliveryStore deliveries;

  @BeforeAll
  static void open() {
    testDb = TestDatabase.create("store");
    db =
        Database.open(
            new StoreSettings(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4), "store-test");
    notifications = new NotificationStore(db.jdbi());
    deliveries = new DeliveryStore(db.jdbi());
  }

  @AfterAll
  static void close() {
    db.close();
    testDb.close();
  }

  private static NewNotification notification(String tenant, String ref) {
    return new NewNotification(
        tenant,
        Source.CR,
        ref,
        "n-" + ref,
        "welcome",
        "transactional",
        Priority.HIGH,
        List.of(Channel.EMAIL),
        List.of(),
        new TemplateContent(
            null, new EmailContent("s", "h", null, null, null, null), null, null, null, false),
        Json.MAPPER.createObjectNode().put("k", "v"),
        null,
        null);
  }

  private static List<NewDelivery> three() {
    return List.of(
        NewDelivery.pending(null, Channel.EMAIL, null, "a@x.io", null),
        NewDelivery.pending(null, Channel.EMAIL, null, "b@x.io", null),
        NewDelivery.suppressed("u-1", Channel.EMAIL, "no_address"));
  }

  @Test
  void acceptingTwiceWritesOnce() {
    NotificationStore.Accepted first = notifications.accept(notification("t1", "uid-1"), three());
    NotificationStore.Accepted second = notifications.accept(notification("t1", "uid-1"), three());

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.notification().id()).isEqualTo(first.notification().id());
    DeliveryCounts counts = notifications.counts(first.notification());
    assertThat(counts.total()).isEqualTo(3);
    assertThat(counts.count(DeliveryState.PENDING)).isEqualTo(2);
    assertThat(counts.count(DeliveryState.SUPPRESSED)).isEqualTo(1);
    assertThat(notifications.content(first.notification().id()))
        .get()
        .satisfies(c -> assertThat(c.data().get("k").asText()).isEqualTo("v"));
  }

  @Test
  void stateChangesAreConditional() {
    NotificationRecord n =
        notifications.accept(notification("t2", "uid-2"), three()).notification();
    List<DeliveryMessage> due =
        db.jdbi()
            .inTransaction(
                h -> {
                  List<DeliveryMessage> locked =
                      deliveries.takeDue(h, 10).stream().map(DeliveryStore.Due::message).toList();
                  deliveries.recordSequences(
                      h,
                      locked.stream()
                          .map(
                              m ->
                                  new DeliveryStore.Queued(
                                      new DeliveryKey(m.deliveryId(), m.createdAt()), 1, 42))
                          .toList());
                  return locked;
                });
    assertThat(due)
        .hasSize(2)
        .allSatisfy(
            m -> {
              assertThat(m.priority()).isEqualTo(Priority.HIGH);
              assertThat(m.notificationId()).isEqualTo(n.id());
            });
    List<DeliveryKey> keys =
        due.stream().map(m -> new DeliveryKey(m.deliveryId(), m.createdAt())).toList();

    Map<UUID, Claim> claimed = deliveries.claim(keys, java.time.Duration.ZERO);
    assertThat(claimed).containsOnlyKeys(keys.get(0).id(), keys.get(1).id());
    assertThat(claimed.values()).extracting(Claim::attempts).containsExactly(0, 0);
    boolean[] moved =
        deliveries.record(
            List.of(
                Outcome.sent(keys.get(0), "sg", "msg-1"),
                Outcome.retryLater(keys.get(1), "sg", "http_503", "busy", Instant.now())));
    assertThat(moved).containsExactly(true, true);
    assertThat(deliveries.state(keys.get(0))).isEqualTo(DeliveryState.SENT);
    assertThat(deliveries.state(keys.get(1)))
        .as("waits in Postgres until due")
        .isEqualTo(DeliveryState.PENDING);

    // A redelivered message of a sent delivery is not claimed, and a late outcome changes nothing.
    assertThat(deliveries.claim(List.of(keys.get(0)), java.time.Duration.ZERO)).isEmpty();
    assertThat(deliveries.record(List.of(Outcome.refused(keys.get(0), "sg", "x", "y"))))
        .containsExactly(false);
    assertThat(deliveries.state(keys.get(0))).isEqualTo(DeliveryState.SENT);
    // The retried one is claimed again with its attempt counted.
    assertThat(
            deliveries
                .claim(List.of(keys.get(1)), java.time.Duration.ZERO)
                .get(keys.get(1).id())
                .attempts())
        .isEqualTo(1);
  }

  @Test
  void aBatchOfOutcomesWritesEachOneAsItsOwnStatementWould() {
    List<NewDelivery> five =
        java.util.stream.IntStream.range(0, 5)
            .mapToObj(i -> NewDelivery.pending(null, Channel.EMAIL, null, "r" + i + "@x.io", null))
            .toList();
    notifications.accept(notification("t-batch", "uid-batch"), five);
    List<DeliveryKey> keys =
        db.jdbi()
            .inTransaction(
                h -> {
                  List<DeliveryKey> locked =
                      deliveries.takeDue(h, 100).stream()
                          .map(DeliveryStore.Due::message)
                          .filter(m -> m.tenant().equals("t-batch"))
                          .map(m -> new DeliveryKey(m.deliveryId(), m.createdAt()))
                          .toList();
                  deliveries.recordSequences(
                      h,
                      java.util.stream.IntStream.range(0, locked.size())
                          .mapToObj(i -> new DeliveryStore.Queued(locked.get(i), 1, 100 + i))
                          .toList());
                  return locked;
                });
    assertThat(keys).hasSize(5);
    assertThat(row(keys.get(3), "stream_seq")).isEqualTo("103");
    assertThat(row(keys.get(3), "publications || ' ' || state")).isEqualTo("1 queued");
    deliveries.claim(keys.subList(0, 4), java.time.Duration.ZERO);
    Instant due = Instant.parse("2030-01-02T03:04:05.123456Z");

    boolean[] moved =
        deliveries.record(
            List.of(
                Outcome.sent(keys.get(0), "sg", "msg-a"),
                Outcome.retryLater(keys.get(1), "sg", "http_503", "busy", due),
                Outcome.unsendable(keys.get(2), "bounce", "refused"),
                Outcome.suppressed(keys.get(3), DeliveryReasons.OPTED_OUT),
                Outcome.sent(keys.get(4), "sg", "never-claimed")));

    assertThat(moved).containsExactly(true, true, true, true, false);
    assertThat(
            row(
                keys.get(0),
                "state || ' ' || attempts || ' ' || provider || ' ' || provider_message_id "
                    + "|| ' ' || (sent_at is not null)"))
        .isEqualTo("sent 1 sg msg-a true");
    assertThat(
            row(
                keys.get(1),
                "state || ' ' || attempts || ' ' || last_error_code || ' ' || last_error "
                    + "|| ' ' || (next_attempt_at = '2030-01-02T03:04:05.123456Z') || ' ' || (sent_at is null)"))
        .isEqualTo("pending 1 http_503 busy true true");
    assertThat(
            row(
                keys.get(2),
                "state || ' ' || attempts || ' ' || failure_reason || ' ' || last_error_code "
                    + "|| ' ' || coalesce(provider, 'none')"))
        .isEqualTo("failed 0 permanent bounce none");
    assertThat(row(keys.get(3), "state || ' ' || failure_reason"))
        .isEqualTo("suppressed " + DeliveryReasons.OPTED_OUT);
    assertThat(row(keys.get(4), "state")).isEqualTo("queued");

    // Two outcomes of one delivery in a batch: the first moves it, the second finds it moved.
    deliveries.claim(List.of(keys.get(1)), java.time.Duration.ZERO);
    assertThat(
            deliveries.record(
                List.of(
                    Outcome.sent(keys.get(1), "sg", "first"),
                    Outcome.refused(keys.get(1), "sg", "x", "y"))))
        .containsExactly(true, false);
    assertThat(row(keys.get(1), "state || ' ' || provider_message_id")).isEqualTo("sent first");
  }

  @Test
  void theSequenceRecordSkipsARowAnotherTransactionHoldsInsteadOfWaiting() throws Exception {
    notifications.accept(
        notification("t-skip", "uid-skip"),
        List.of(
            NewDelivery.pending(null, Channel.EMAIL, null, "held@x.io", null),
            NewDelivery.pending(null, Channel.EMAIL, null, "free@x.io", null)));
    List<DeliveryStore.Due> taken =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 100)).stream()
            .filter(d -> d.message().tenant().equals("t-skip"))
            .sorted(java.util.Comparator.comparing((DeliveryStore.Due d) -> d.message().address()))
            .toList();
    DeliveryStore.Due free = taken.get(0);
    DeliveryStore.Due held = taken.get(1);
    java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    // a dispatcher's claim of the same row, in its transaction
    Thread holder =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    db.jdbi()
                        .useTransaction(
                            h -> {
                              h.createQuery("select id from deliveries where id = :id for update")
                                  .bind("id", key(held).id())
                                  .mapTo(UUID.class)
                                  .one();
                              locked.countDown();
                              release.await();
                            });
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try {
      assertThat(locked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      db.jdbi()
          .useHandle(
              h -> {
                h.execute("set lock_timeout = '5s'");
                deliveries.recordSequences(
                    h,
                    List.of(
                        new DeliveryStore.Queued(key(free), free.publication(), 31),
                        new DeliveryStore.Queued(key(held), held.publication(), 32)));
                h.execute("reset lock_timeout");
              });
    } finally {
      release.countDown();
      holder.join();
    }
    assertThat(row(key(free), "state || ' ' || stream_seq")).isEqualTo("queued 31");
    assertThat(row(key(held), "state || ' ' || coalesce(stream_seq::text, 'none')"))
        .isEqualTo("queued none");
  }

  @Test
  void aPublishThatFailedIsDueAgainAndOneNeverRecordedIsStranded() {
    notifications.accept(
        notification("t-relay", "uid-relay"),
        List.of(
            NewDelivery.pending(null, Channel.EMAIL, null, "failed@x.io", null),
            NewDelivery.pending(null, Channel.EMAIL, null, "unrecorded@x.io", null),
            NewDelivery.pending(null, Channel.EMAIL, null, "claimed-first@x.io", null)));
    List<DeliveryStore.Due> taken =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 100)).stream()
            .filter(d -> d.message().tenant().equals("t-relay"))
            .sorted(java.util.Comparator.comparing((DeliveryStore.Due d) -> d.message().address()))
            .toList();
    DeliveryStore.Due claimedFirst = taken.get(0);
    DeliveryStore.Due failed = taken.get(1);
    DeliveryStore.Due unrecorded = taken.get(2);
    // Taken rows are committed queued: a dispatcher that got the message first claims it at once.
    assertThat(deliveries.claim(List.of(key(claimedFirst)), java.time.Duration.ZERO))
        .containsKey(key(claimedFirst).id());

    deliveries.unpublished(List.of(failed));
    db.jdbi()
        .useHandle(
            h ->
                deliveries.recordSequences(
                    h,
                    List.of(
                        new DeliveryStore.Queued(
                            key(claimedFirst), claimedFirst.publication(), 9))));

    assertThat(row(key(failed), "state || ' ' || publications")).isEqualTo("pending 1");
    DeliveryStore.Due again = db.jdbi().inTransaction(h -> dueOf(h, "t-relay"));
    assertThat(again.message().deliveryId()).isEqualTo(failed.message().deliveryId());
    assertThat(again.messageId())
        .as("a publish that got no answer may have landed: the next one is another")
        .isNotEqualTo(failed.messageId());
    assertThat(row(key(claimedFirst), "state || ' ' || stream_seq"))
        .as("the sequence reaches a claimed row too")
        .isEqualTo("sending 9");

    // The relay died before recording where the second one went: the sweep sees it, without a
    // sequence.
    DeliveryStore.Stranded stranded =
        deliveries.stranded(java.time.Duration.ZERO, null, 1000).stream()
            .filter(st -> st.message().deliveryId().equals(unrecorded.message().deliveryId()))
            .findFirst()
            .orElseThrow();
    assertThat(stranded.streamSequence()).isNull();
    assertThat(new DeliveryStore.Due(stranded.message(), stranded.publications()).messageId())
        .as("republished under the relay's own id")
        .isEqualTo(unrecorded.messageId());
    assertThat(deliveries.requeue(stranded, 77)).isTrue();
    assertThat(row(key(unrecorded), "state || ' ' || stream_seq")).isEqualTo("queued 77");
  }

  @Test
  void rowsAreTakenInPostgresOrderOfTheirIds() {
    java.util.Random random = new java.util.Random(7);
    List<UUID> ids =
        java.util.stream.IntStream.range(0, 500)
            .mapToObj(i -> new UUID(random.nextLong(), random.nextLong()))
            .toList();
    List<UUID> postgres =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("select u from unnest(:ids) u order by u")
                        .bindArray("ids", UUID.class, ids)
                        .mapTo(UUID.class)
                        .list());
    assertThat(ids.stream().sorted(DeliveryStore.ROW_ORDER).toList()).isEqualTo(postgres);
  }

  private static String row(DeliveryKey key, String expression) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "select cast("
                            + expression
                            + " as text) from deliveries where id = :id and created_at = :createdAt")
                    .bind("id", key.id())
                    .bind("createdAt", key.createdAt().atOffset(java.time.ZoneOffset.UTC))
                    .mapTo(String.class)
                    .one());
  }

  @Test
  void cancellingLeavesSentDeliveriesAloneAndCountsThoseADispatcherHolds() {
    NotificationRecord n =
        notifications.accept(notification("t3", "uid-3"), three()).notification();
    List<DeliveryMessage> due =
        db.jdbi().inTransaction(h -> deliveries.takeDue(h, 100)).stream()
            .map(DeliveryStore.Due::message)
            .filter(m -> m.tenant().equals("t3"))
            .toList();
    DeliveryKey sent = new DeliveryKey(due.get(0).deliveryId(), due.get(0).createdAt());
    DeliveryKey held = new DeliveryKey(due.get(1).deliveryId(), due.get(1).createdAt());
    deliveries.claim(List.of(sent, held), java.time.Duration.ZERO);
    deliveries.record(List.of(Outcome.sent(sent, "sg", "m")));

    NotificationStore.Cancellation c = notifications.cancel(n);

    assertThat(c.inFlight()).as("claimed by a dispatcher").isEqualTo(1);
    assertThat(c.cancelled()).isZero();
    assertThat(deliveries.state(held)).isEqualTo(DeliveryState.CANCELLED);
    assertThat(deliveries.claim(List.of(held), java.time.Duration.ZERO))
        .as("a dispatcher checking again finds it gone")
        .isEmpty();
    // Its provider call was under way after all: what reached the provider is counted as sent.
    assertThat(deliveries.record(List.of(Outcome.sent(held, "sg", "m2")))).containsExactly(true);
    assertThat(deliveries.record(List.of(Outcome.refused(sent, "sg", "x", "y"))))
        .containsExactly(false);
    DeliveryCounts counts = notifications.counts(n);
    assertThat(counts.count(DeliveryState.SENT)).isEqualTo(2);
    assertThat(notifications.findBySource("t3", Source.CR, "uid-3"))
        .get()
        .satisfies(r -> assertThat(r.cancelledAt()).isNotNull());
  }

  @Test
  void aSecondCopyOfAMessageIsNotClaimedWhileItsFirstIsHeldButARedeliveryAfterTheLeaseIs() {
    notifications.accept(
        notification("t7", "uid-7"),
        List.of(NewDelivery.pending(null, Channel.EMAIL, null, "c@x.io", null)));
    DeliveryKey key = db.jdbi().inTransaction(h -> key(dueOf(h, "t7")));
    java.time.Duration ackWait = java.time.Duration.ofSeconds(30);

    assertThat(deliveries.claim(List.of(key), ackWait)).as("the first copy").containsKey(key.id());
    assertThat(deliveries.claim(List.of(key), ackWait))
        .as("a second copy while the first is held")
        .isEmpty();
    assertThat(deliveries.heldElsewhere(List.of(key), ackWait).get(key.id()))
        .as("the lease left")
        .isBetween(java.time.Duration.ofSeconds(25), ackWait);
    // Its dispatcher died: JetStream redelivers after AckWait, by when the claim is that old.
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "update deliveries set updated_at = now() - interval '31 seconds' where id = :id")
                    .bind("id", key.id())
                    .execute());
    assertThat(deliveries.heldElsewhere(List.of(key), ackWait).get(key.id()))
        .as("no lease left")
        .isEqualTo(java.time.Duration.ZERO);
    assertThat(deliveries.claim(List.of(key), ackWait))
        .as("the redelivery after the lease")
        .containsKey(key.id());
    deliveries.record(List.of(Outcome.sent(key, "sg", "m1")));
    assertThat(deliveries.heldElsewhere(List.of(key), ackWait))
        .as("finished: held by nobody")
        .isEmpty();
  }

  @Test
  void aDeliveryThatWaitedIsPublishedAgainUnderAMessageIdOfItsOwn() {
    notifications.accept(
        notification("t5", "uid-5"),
        List.of(NewDelivery.pending(null, Channel.EMAIL, null, "w@x.io", null)));
    DeliveryStore.Due first =
        db.jdbi()
            .inTransaction(
                h -> {
                  List<DeliveryStore.Due> locked =
                      deliveries.takeDue(h, 10).stream()
                          .filter(d -> d.message().tenant().equals("t5"))
                          .toList();
                  deliveries.recordSequences(
                      h, List.of(new DeliveryStore.Queued(key(locked.get(0)), 1, 7)));
                  return locked.get(0);
                });
    DeliveryKey key = key(first);
    deliveries.claim(List.of(key), java.time.Duration.ZERO);
    deliveries.record(
        List.of(Outcome.waiting(key, Outcome.Wait.THROTTLED, "sg", "rateLimit", Instant.now())));

    // A relay pass that fails to publish rolls back, and its retry publishes under the same id
    // again
    // (the stream drops the copy); a pass that commits moves to the next id.
    String rolledBack =
        db.jdbi()
            .inTransaction(
                h -> {
                  String id = dueOf(h, "t5").messageId();
                  h.rollback();
                  return id;
                });
    DeliveryStore.Due again = db.jdbi().inTransaction(h -> dueOf(h, "t5"));

    assertThat(first.messageId()).isEqualTo(first.message().deliveryId().toString());
    assertThat(again.messageId()).isEqualTo(rolledBack).isNotEqualTo(first.messageId());
  }

  @Test
  void noDeliveryIsWrittenOrAddedForAnErasedUserOrACancelledNotification() {
    ContactStore contacts = new ContactStore(db.jdbi());
    db.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "insert into users (tenant, user_id, email) values ('t6', 'gone', 'g@x.io'), "
                        + "('t6', 'kept', 'k@x.io')"));
    // The contact was read, then the user erased, then the notification written.
    assertThat(contacts.deleteUser("t6", "gone")).isTrue();
    NotificationRecord n =
        notifications
            .accept(
                notification("t6", "uid-6"),
                List.of(
                    NewDelivery.pending("gone", Channel.EMAIL, null, "g@x.io", null),
                    NewDelivery.pending("kept", Channel.EMAIL, null, "k@x.io", null)))
            .notification();
    assertThat(notifications.counts(n).total()).as("only the user who still exists").isEqualTo(1);

    DeliveryKey kept =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("select id, created_at from deliveries where tenant = 't6'")
                        .map(
                            (rs, ctx) ->
                                new DeliveryKey(
                                    rs.getObject(1, UUID.class),
                                    rs.getObject(2, java.time.OffsetDateTime.class).toInstant()))
                        .one());
    notifications.cancel(n);
    assertThat(
            notifications.addDelivery(
                kept, NewDelivery.pending("kept", Channel.SMS, null, "+14155550100", null)))
        .as("a fallback on a cancelled notification")
        .isFalse();
  }

  @Test
  void aSweepRequeuesOnlyARowThatIsAsItSawItAndNeverUndoesAClaim() {
    notifications.accept(
        notification("t8", "uid-8"),
        List.of(NewDelivery.pending(null, Channel.EMAIL, null, "s@x.io", null)));
    DeliveryKey key =
        db.jdbi()
            .inTransaction(
                h -> {
                  DeliveryStore.Due due = dueOf(h, "t8");
                  deliveries.recordSequences(
                      h, List.of(new DeliveryStore.Queued(key(due), due.publication(), 41)));
                  return key(due);
                });
    DeliveryStore.Stranded seen =
        deliveries.stranded(java.time.Duration.ZERO, null, 1000).stream()
            .filter(st -> st.message().deliveryId().equals(key.id()))
            .findFirst()
            .orElseThrow();

    // A dispatcher claims it from the message it still held, while the sweep republishes it.
    assertThat(deliveries.claim(List.of(key), java.time.Duration.ofSeconds(30)))
        .containsKey(key.id());
    assertThat(deliveries.requeue(seen, 99)).as("changed since the sweep saw it").isFalse();
    assertThat(deliveries.state(key)).isEqualTo(DeliveryState.SENDING);
    assertThat(deliveries.heldElsewhere(List.of(key), java.time.Duration.ofSeconds(30)))
        .as("the copy waits the claim out")
        .containsKey(key.id());

    DeliveryStore.Stranded again =
        deliveries.stranded(java.time.Duration.ZERO, null, 1000).stream()
            .filter(st -> st.message().deliveryId().equals(key.id()))
            .findFirst()
            .orElseThrow();
    assertThat(deliveries.requeue(again, 99)).isTrue();
    assertThat(deliveries.state(key))
        .as("a sending row stays sending")
        .isEqualTo(DeliveryState.SENDING);
  }

  private static DeliveryStore.Due dueOf(org.jdbi.v3.core.Handle h, String tenant) {
    return deliveries.takeDue(h, 100).stream()
        .filter(d -> d.message().tenant().equals(tenant))
        .findFirst()
        .orElseThrow();
  }

  private static DeliveryKey key(DeliveryStore.Due d) {
    return new DeliveryKey(d.message().deliveryId(), d.message().createdAt());
  }

  @Test
  void partitionsAreKeptAhead() {
    new PartitionMaintenance(db.jdbi(), 10, 30).run();
    long partitions =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent where p.relname = 'deliveries'")
                        .mapTo(Long.class)
                        .one());
    // today and ten days ahead (no default partition)
    assertThat(partitions).isGreaterThanOrEqualTo(11);
  }

  @Test
  void aFailedStatementCarriesNoAddressIntoItsMessage() {
    // Exceptions are logged; what a statement was bound to, and the row Postgres refused, must not
    // travel with them.
    String address = "leak-check@example.com";
    String insert =
        "insert into suppressions (tenant, channel, address, reason) values ('t-leak', :channel, :address, 'bounced')";
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(insert).bind("channel", "email").bind("address", address).execute());

    Throwable duplicate =
        catchThrowable(
            () ->
                db.jdbi()
                    .useHandle(
                        h ->
                            h.createUpdate(insert)
                                .bind("channel", "email")
                                .bind("address", address)
                                .execute()));
    Throwable refusedRow =
        catchThrowable(
            () ->
                db.jdbi()
                    .useHandle(
                        h ->
                            h.createUpdate(insert)
                                .bind("channel", "fax")
                                .bind("address", address)
                                .execute()));

    for (Throwable failure : List.of(duplicate, refusedRow)) {
      assertThat(failure).isNotNull();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(t.toString()).doesNotContain("leak-check");
      }
    }
    assertThat(duplicate.getCause()).hasMessageContaining("suppressions_pkey");
    assertThat(refusedRow.getCause()).hasMessageContaining("suppressions_channel_check");
  }
}
