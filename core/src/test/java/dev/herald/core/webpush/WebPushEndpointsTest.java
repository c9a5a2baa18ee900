package dev.herald.core.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No test here connects anywhere: every name resolves through a fixed table. */
class WebPushEndpointsTest {
  private static final Map<String, String> DNS =
      Map.of(
          "fcm.googleapis.com", "142.250.74.110",
          "updates.push.services.mozilla.com", "34.117.0.1",
          "metadata.attacker.com", "169.254.169.254",
          "loopback.attacker.com", "127.0.0.1",
          "intranet.attacker.com", "10.1.2.3",
          "ula.attacker.com", "fd00::1",
          "cgnat.attacker.com", "100.64.1.1");
  private static final HostResolver TABLE =
      host -> {
        String address = DNS.get(host);
        if (address == null) {
          throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
      };
  private final WebPushEndpoints endpoints = WebPushEndpoints.resolvingWith(TABLE);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGx1",
        "https://FCM.googleapis.com/x",
        "https://fcm.googleapis.com:443/x",
        "https://wns2-par02p.notify.windows.com/w/?token=AwYAAAB"
      })
  void acceptsThePushServicesBrowsersUse(String endpoint) {
    assertThat(endpoints.formProblem(endpoint)).as(endpoint).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://fcm.googleapis.com/x",
        "ftp://fcm.googleapis.com/x",
        "fcm.googleapis.com/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://[fd00::1]/x",
        "https://[::ffff:169.254.169.254]/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://127.1/x",
        "https://0177.0.0.1/x",
        "https://localhost/x",
        "https://LOCALHOST/x",
        "https://push.localhost/x",
        "https://printer.local/x",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://svc.cluster.internal/x",
        "https://kubernetes/x",
        "https://1.0.0.127.in-addr.arpa/x",
        "https://push.test/x",
        "https://fcm.googleapis.com./x",
        "https://user:pass@fcm.googleapis.com/x",
        "https://fcm.googleapis.com/x#frag",
        "https://fcm.googleapis.com:8443/x",
        "https://under_score.example.com/x",
        "https://fcm.googleapis.com/a b",
        "https:///x",
        ""
      })
  void refusesEndpointsThatAreNotPublicHttpsHosts(String endpoint) {
    assertThat(endpoints.formProblem(endpoint)).as(endpoint).isPresent();
  }

  @Test
  void refusesAnEndpointLongerThanTheLimit() {
    assertThat(endpoints.formProblem("https://fcm.googleapis.com/" + "a".repeat(2100))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "metadata.attacker.com",
        "loopback.attacker.com",
        "intranet.attacker.com",
        "ula.attacker.com",
        "cgnat.attacker.com"
      })
  void refusesANameThatResolvesToAnInternalAddressAtRegistrationAndAtSend(String host) {
    assertThat(endpoints.registrationProblem("https://" + host + "/push/1"))
        .hasValueSatisfying(p -> assertThat(p).contains("non-public address"));
    assertThatThrownBy(() -> endpoints.addressesFor(host))
        .isInstanceOf(EndpointRefusedException.class);
  }

  @Test
  void refusesANameWithOnePublicAndOneInternalAddress() throws UnknownHostException {
    InetAddress[] both = {
      InetAddress.getByName("142.250.74.110"), InetAddress.getByName("169.254.169.254")
    };
    WebPushEndpoints mixed = WebPushEndpoints.resolvingWith(host -> both);
    assertThat(mixed.registrationProblem("https://push.attacker.com/1")).isPresent();
    assertThatThrownBy(() -> mixed.addressesFor("push.attacker.com"))
        .isInstanceOf(EndpointRefusedException.class);
  }

  @Test
  void aNameThatReBindsToAnInternalAddressAfterRegistrationIsRefusedAtSend()
      throws UnknownHostException {
    AtomicReference<String> answer = new AtomicReference<>("142.250.74.110");
    WebPushEndpoints rebinding =
        WebPushEndpoints.resolvingWith(
            host -> new InetAddress[] {InetAddress.getByName(answer.get())});
    assertThat(rebinding.registrationProblem("https://push.rebind.com/1")).isEmpty();
    answer.set("127.0.0.1");
    assertThatThrownBy(() -> rebinding.addressesFor("push.rebind.com"))
        .isInstanceOf(EndpointRefusedException.class);
  }

  @Test
  void aNameThatDoesNotResolveIsLeftToTheSend() {
    assertThat(endpoints.registrationProblem("https://push.nowhere.com/1")).isEmpty();
    assertThatThrownBy(() -> endpoints.addressesFor("push.nowhere.com"))
        .isInstanceOf(UnknownHostException.class)
        .isNotInstanceOf(EndpointRefusedException.class);
  }

  @Test
  void theLoopbackAllowanceLetsOnlyItsOwnPortsOfLocalhostThrough() throws Exception {
    var certificate = (java.security.cert.X509Certificate) null;
    assertThatThrownBy(() -> LoopbackAllowance.localhost(4443, certificate))
        .isInstanceOf(IllegalArgumentException.class);
    LoopbackAllowance allowance = new LoopbackAllowance(java.util.Set.of(4443), selfSigned());
    WebPushEndpoints sandbox = endpoints.allowing(allowance);
    assertThat(sandbox.formProblem("https://localhost:4443/push/1")).isEmpty();
    assertThat(sandbox.registrationProblem("https://localhost:4443/push/1")).isEmpty();
    assertThat(sandbox.addressesFor("localhost")).containsExactly(InetAddress.getLoopbackAddress());
    for (String other :
        new String[] {
          "https://localhost:4444/x",
          "https://localhost/x",
          "https://127.0.0.1:4443/x",
          "http://localhost:4443/x",
          "https://169.254.169.254:4443/x",
          "https://loopback.attacker.com:4443/x"
        }) {
      assertThat(sandbox.formProblem(other)).as(other).isPresent();
    }
    assertThatThrownBy(() -> sandbox.addressesFor("loopback.attacker.com"))
        .isInstanceOf(EndpointRefusedException.class);
    assertThat(endpoints.formProblem("https://localhost:4443/push/1"))
        .as("production has no allowance")
        .isPresent();
    assertThatThrownBy(() -> endpoints.addressesFor("localhost"))
        .isInstanceOf(EndpointRefusedException.class);
  }

  private static java.security.cert.X509Certificate selfSigned() {
    return dev.herald.testkit.tls.TestCredentials.selfSigned(
        dev.herald.testkit.tls.TestCredentials.p256());
  }

  @Test
  void tellsEndpointsFromTokens() {
    assertThat(WebPushEndpoints.isEndpoint("https://fcm.googleapis.com/fcm/send/x")).isTrue();
    assertThat(WebPushEndpoints.isEndpoint("fcm-web-ada-0001:APA91bZq3w")).isFalse();
    assertThat(WebPushEndpoints.isEndpoint(null)).isFalse();
  }
}
