package dev.herald.sandbox.bench;

import dev.herald.api.provider.ProviderType;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.apns.ApnsSimulator;
import dev.herald.testkit.fcm.FcmSimulator;
import dev.herald.testkit.sendgrid.ReceivedMail;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import dev.herald.testkit.twilio.TwilioSimulator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider simulators of the bench, with zero latency, in this JVM. They keep nothing: each
 * counts what it accepted, and the SendGrid simulator remembers when each one-time password (a mail
 * whose subject is {@code "OTP <code>"}) arrived.
 */
record BenchSimulators(
    SendGridSimulator sendgrid,
    TwilioSimulator twilio,
    ApnsSimulator apns,
    FcmSimulator fcm,
    AtomicLong mails,
    AtomicLong sms,
    AtomicLong iosPushes,
    AtomicLong androidPushes,
    Map<String, Instant> otpArrivals)
    implements AutoCloseable {
  static final String SENDGRID_KEY = "SG.bench.simulator-key";
  static final String APNS_TOPIC = "dev.herald.bench";
  static final String FCM_PROJECT = "herald-bench";

  static BenchSimulators start() {
    BenchSimulators sims =
        new BenchSimulators(
            SendGridSimulator.start(SENDGRID_KEY),
            TwilioSimulator.start(),
            ApnsSimulator.start(),
            FcmSimulator.start(FCM_PROJECT),
            new AtomicLong(),
            new AtomicLong(),
            new AtomicLong(),
            new AtomicLong(),
            new ConcurrentHashMap<>());
    sims.sendgrid.forwardMails(sims::mailArrived);
    sims.twilio.forwardMessages(m -> sims.sms.incrementAndGet());
    sims.apns.forwardNotifications(p -> sims.iosPushes.incrementAndGet());
    sims.fcm.forwardMessages(m -> sims.androidPushes.incrementAndGet());
    sims.apns.registerToken(APNS_TOPIC, iosToken(0));
    return sims;
  }

  private void mailArrived(ReceivedMail mail) {
    mails.incrementAndGet();
    String subject = mail.subject();
    if (subject != null && subject.startsWith("OTP ")) {
      otpArrivals.putIfAbsent(subject.substring(4), mail.arrivedAt());
    }
  }

  /** Everything accepted so far, on every channel. */
  long accepted() {
    return mails.get() + sms.get() + iosPushes.get() + androidPushes.get();
  }

  /** The device token of the bench's iOS user {@code i}: 64 hex digits. */
  static String iosToken(int i) {
    return String.format("%064x", 0xbe7cL << 32 | i);
  }

  /** An FCM registration token of the bench's Android user {@code i} (the shape FCM hands out). */
  static String androidToken(int i) {
    return String.format("bench-android-%08d:APA91b", i) + "k".repeat(134);
  }

  /** The simulator of {@code type}: the bench runs no web push simulator. */
  ProviderSimulator of(ProviderType type) {
    return List.<ProviderSimulator>of(sendgrid, twilio, apns, fcm).stream()
        .filter(s -> s.type() == type)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the bench runs no " + type.wireName() + " simulator"));
  }

  @Override
  public void close() {
    List.<ProviderSimulator>of(sendgrid, twilio, apns, fcm).forEach(ProviderSimulator::close);
  }
}
