package dev.herald.providers.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.providers.CallbackRefused;
import dev.herald.providers.CallbackRefused.Why;
import dev.herald.providers.CallbackReport;
import dev.herald.providers.CallbackRequest;
import dev.herald.providers.Receipt;
import dev.herald.testkit.vonage.ReceivedVonageSms;
import dev.herald.testkit.vonage.VonageSimulator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vonage's delivery receipts and inbound SMS as the simulator signs them: what each reports, and
 * that unsigned, stale, forged or unconfigured ones are refused before anything is read.
 */
class VonageCallbacksTest {
  private static final String URL = "https://herald.example/v1/webhooks/vonage/shop/vonage/";
  private static VonageSimulator vonage;
  private static Map<String, String> secret;
  private final VonageCallbacks.Status status = new VonageCallbacks.Status();
  private final VonageCallbacks.Inbound inbound = new VonageCallbacks.Inbound();

  @BeforeAll
  static void start() {
    vonage = VonageSimulator.start("sha512");
    secret = vonage.credentials();
  }

  @AfterAll
  static void stop() {
    vonage.close();
  }

  private static ReceivedVonageSms sent(String clientRef, int parts) {
    List<String> ids =
        java.util.stream.IntStream.range(0, parts)
            .mapToObj(i -> "0A00000012345" + i + "CD")
            .toList();
    return new ReceivedVonageSms(
        ids,
        vonage.apiKey(),
        vonage.apiSecret(),
        "Herald",
        "4915112345678",
        "hi",
        "text",
        clientRef,
        null,
        null,
        Map.of());
  }

  private static CallbackRequest form(String path, Map<String, String> params) {
    String body =
        params.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return new CallbackRequest(
        URL + path,
        Map.of("Content-Type", "application/x-www-form-urlencoded"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static CallbackRequest json(String path, Map<String, String> params) throws Exception {
    return new CallbackRequest(
        URL + path,
        Map.of("Content-Type", "application/json; charset=utf-8"),
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(params));
  }

  private static Receipt only(CallbackReport report) {
    assertThat(report.notices()).hasSize(1);
    return report.notices().get(0).receipt();
  }

  @Test
  void everyPartsReceiptFindsTheDeliveryByItsClientRef() {
    String delivery = UUID.randomUUID().toString();
    ReceivedVonageSms sms = sent(delivery, 2);
    for (int part = 0; part < 2; part++) {
      CallbackReport report =
          status.read(
              form("status", vonage.deliveryReceipt(sms, part, "delivered", "0")),
              secret,
              Instant.now());
      assertThat(only(report)).isEqualTo(new Receipt.Delivered(Receipt.Ref.delivery(delivery)));
      assertThat(report.notices().get(0).once().id())
          .isEqualTo(sms.messageIds().get(part) + ":delivered");
    }
  }

  @Test
  void failuresFailTheDeliveryAndInterimStatusesChangeNothing() {
    ReceivedVonageSms sms = sent(null, 1);
    Receipt.Ref byId = Receipt.Ref.providerMessage(sms.messageId(), true, "+4915112345678");
    for (String s : List.of("failed", "rejected", "expired")) {
      assertThat(
              only(
                  status.read(
                      form("status", vonage.deliveryReceipt(sms, 0, s, "1")),
                      secret,
                      Instant.now())))
          .isEqualTo(new Receipt.Failed(byId, "undelivered", false));
    }
    for (String s : List.of("accepted", "buffered", "unknown")) {
      assertThat(
              only(
                  status.read(
                      form("status", vonage.deliveryReceipt(sms, 0, s, "0")),
                      secret,
                      Instant.now())))
          .isNull();
    }
  }

  @Test
  void jsonWebhooksAreReadAsWellAsForms() throws Exception {
    ReceivedVonageSms sms = sent(null, 1);
    Receipt receipt =
        only(
            status.read(
                json("status", vonage.deliveryReceipt(sms, 0, "delivered", "0")),
                secret,
                Instant.now()));
    assertThat(receipt).isInstanceOf(Receipt.Delivered.class);
    assertThatThrownBy(
            () ->
                status.read(
                    new CallbackRequest(
                        URL + "status",
                        Map.of("Content-Type", "application/json"),
                        "[1]".getBytes(StandardCharsets.UTF_8)),
                    secret,
                    Instant.now()))
        .isInstanceOfSatisfying(
            CallbackRefused.class, e -> assertThat(e.why()).isEqualTo(Why.MALFORMED));
  }

  @Test
  void inboundStopAndStartOptTheSenderOutAndIn() {
    assertThat(
            only(
                inbound.read(
                    form("inbound", vonage.inboundMessage("447700900001", "Herald", " Stop ")),
                    secret,
                    Instant.now())))
        .isEqualTo(new Receipt.OptedOut("+447700900001"));
    assertThat(
            only(
                inbound.read(
                    form("inbound", vonage.inboundMessage("+447700900001", "Herald", "START")),
                    secret,
                    Instant.now())))
        .isEqualTo(new Receipt.OptedIn("+447700900001"));
    assertThat(
            only(
                inbound.read(
                    form(
                        "inbound",
                        vonage.inboundMessage("447700900001", "Herald", "stop texting me")),
                    secret,
                    Instant.now())))
        .isNull();
  }

  @Test
  void theSameCallbackHasTheSameReplayKeyAndAnotherADifferentOne() {
    Map<String, String> stop = vonage.inboundMessage("447700900001", "Herald", "STOP");
    String key = inbound.read(form("inbound", stop), secret, Instant.now()).replayKey();
    assertThat(inbound.read(form("inbound", stop), secret, Instant.now()).replayKey())
        .isEqualTo(key);
    assertThat(
            inbound
                .read(
                    form("inbound", vonage.inboundMessage("447700900001", "Herald", "STOP")),
                    secret,
                    Instant.now())
                .replayKey())
        .isNotEqualTo(key);
  }

  @Test
  void unsignedStaleForgedAndUnconfiguredCallbacksAreRefused() {
    Map<String, String> stop = vonage.inboundMessage("447700900001", "Herald", "STOP");
    Map<String, String> unsigned = new java.util.LinkedHashMap<>(stop);
    unsigned.remove("sig");
    assertRefused(inbound, form("inbound", unsigned), secret, Why.UNSIGNED);
    Map<String, String> noTimestamp = new java.util.LinkedHashMap<>(stop);
    noTimestamp.remove("timestamp");
    assertRefused(inbound, form("inbound", noTimestamp), secret, Why.UNSIGNED);
    Map<String, String> stale = vonage.sign(stop, Instant.now().minus(Duration.ofMinutes(6)));
    assertRefused(inbound, form("inbound", stale), secret, Why.UNSIGNED);
    Map<String, String> forged = new java.util.LinkedHashMap<>(stop);
    forged.put("msisdn", "447700900002");
    assertRefused(inbound, form("inbound", forged), secret, Why.FORGED);
    Map<String, String> otherSecret = new java.util.HashMap<>(secret);
    otherSecret.put("signatureSecret", "not-the-signature-secret");
    assertRefused(inbound, form("inbound", stop), otherSecret, Why.FORGED);
    Map<String, String> otherMethod = new java.util.HashMap<>(secret);
    otherMethod.put("signatureMethod", "sha256");
    assertRefused(status, form("inbound", stop), otherMethod, Why.FORGED);
    assertRefused(
        inbound,
        form("inbound", stop),
        Map.of("apiKey", "k", "apiSecret", "s"),
        Why.NOT_CONFIGURED);
    Map<String, String> unknownMethod = new java.util.HashMap<>(secret);
    unknownMethod.put("signatureMethod", "sha3");
    assertRefused(inbound, form("inbound", stop), unknownMethod, Why.NOT_CONFIGURED);
  }

  private static void assertRefused(
      dev.herald.providers.Callback callback,
      CallbackRequest request,
      Map<String, String> secret,
      Why why) {
    assertThatThrownBy(() -> callback.read(request, secret, Instant.now()))
        .isInstanceOfSatisfying(
            CallbackRefused.class,
            e -> {
              assertThat(e.why()).isEqualTo(why);
              secret.values().stream()
                  .filter(v -> v.length() >= 8)
                  .forEach(v -> assertThat(e.getMessage()).doesNotContain(v));
            });
  }
}
