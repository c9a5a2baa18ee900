package dev.herald.sandbox;

import dev.herald.api.provider.ProviderType;
import dev.herald.core.webpush.LoopbackAllowance;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.testkit.ProviderSimulator;
import dev.herald.testkit.apns.ApnsSimulator;
import dev.herald.testkit.fcm.FcmSimulator;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import dev.herald.testkit.smtp.SmtpSimulator;
import dev.herald.testkit.twilio.TwilioSimulator;
import dev.herald.testkit.vonage.VonageSimulator;
import dev.herald.testkit.webpush.WebPushSimulator;
import java.util.List;
import java.util.Map;

/**
 * The provider simulators the sandbox points its DeliveryProviders at, with the credentials it
 * writes into the Secrets those providers reference. The web push simulator is reached through the
 * loopback allowance ({@link #webPushEndpoints()}), which only in-process code can grant.
 */
record Simulators(
    SendGridSimulator sendgrid,
    TwilioSimulator twilio,
    ApnsSimulator apns,
    FcmSimulator fcm,
    WebPushSimulator webpush,
    SmtpSimulator smtp,
    VonageSimulator vonage)
    implements AutoCloseable {
  /** The team and key ids of the APNs example (examples/11-apns-provider.yaml). */
  static final String APNS_TEAM = "TEAMID1234";

  static final String APNS_KEY = "KEYID12345";
  static final String FCM_PROJECT = "herald-shop";
  static final String SENDGRID_KEY = "SG.sandbox.simulator-key";

  static Simulators start() {
    return new Simulators(
        SendGridSimulator.start(SENDGRID_KEY),
        TwilioSimulator.start(),
        ApnsSimulator.start(APNS_TEAM, APNS_KEY),
        FcmSimulator.start(FCM_PROJECT),
        WebPushSimulator.start(),
        SmtpSimulator.start(),
        VonageSimulator.start());
  }

  /** Public push services plus this sandbox's web push simulator on localhost. */
  WebPushEndpoints webPushEndpoints() {
    return WebPushEndpoints.publicOnly()
        .allowing(LoopbackAllowance.localhost(webpush.port(), webpush.certificate()));
  }

  /** The simulator of {@code type}. */
  ProviderSimulator of(ProviderType type) {
    return all().stream()
        .filter(s -> s.type() == type)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the sandbox runs no " + type.wireName() + " simulator"));
  }

  List<ProviderSimulator> all() {
    return List.of(sendgrid, twilio, apns, fcm, webpush, smtp, vonage);
  }

  /**
   * The DeliveryProvider's {@code spec.endpoint}, or null for webpush, which sends to each
   * subscription's own, and for smtp, which is pointed at its simulator by {@code spec.smtp}.
   */
  String endpoint(ProviderType type) {
    return of(type).endpoint();
  }

  Map<String, String> credentials(ProviderType type) {
    return of(type).credentials();
  }

  /** What each simulator accepted, by provider type: {@code sendgrid 4, smtp 60, twilio 3, ...}. */
  String summary() {
    return all().stream()
        .map(s -> s.type().wireName() + " " + s.accepted())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  @Override
  public void close() {
    all().forEach(ProviderSimulator::close);
  }
}
