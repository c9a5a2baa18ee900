package dev.herald.operator.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.providers.Provider;
import dev.herald.providers.Providers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator checks credentials and verifies callbacks of every provider type on the JDK alone:
 * the providers' SDKs are not on its class path, and nothing it calls needs them.
 */
class OperatorWithoutProviderSdksTest {

  @Test
  void theProviderSdksAreNotOnTheOperatorsClassPath() {
    for (String sdkClass :
        List.of(
            "com.sendgrid.SendGrid",
            "com.twilio.Twilio",
            "com.google.firebase.messaging.FirebaseMessaging",
            "com.interaso.webpush.WebPush",
            "com.vonage.client.VonageClient",
            "jakarta.mail.Transport",
            "org.eclipse.angus.mail.smtp.SMTPTransport",
            "com.icegreen.greenmail.util.GreenMail")) {
      assertThatThrownBy(() -> Class.forName(sdkClass))
          .as(sdkClass)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void everyProvidersChecksAndCallbacksWorkWithoutThem() {
    for (Provider provider : Providers.forChecks().all()) {
      // a class the SDK defines, loaded on the way, would throw NoClassDefFoundError here
      assertThatCode(
              () ->
                  provider.credentialProblems(
                      Map.of(
                          "apiKey",
                          "x",
                          "serviceAccount",
                          "{}",
                          "username",
                          "u",
                          "password",
                          "p",
                          "caCertificate",
                          "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----")))
          .as(provider.type().wireName())
          .doesNotThrowAnyException();
      assertThat(provider.callbacks()).allSatisfy(c -> assertThat(c.path()).isNotNull());
    }
  }
}
