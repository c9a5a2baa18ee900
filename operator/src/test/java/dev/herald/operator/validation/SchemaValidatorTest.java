package dev.herald.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's re-check of what the API server would have rejected, against the generated CRDs.
 */
class SchemaValidatorTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final SchemaValidator notifications = SchemaValidator.forResource(Notification.class);
  private final SchemaValidator templates = SchemaValidator.forResource(NotificationTemplate.class);
  private final SchemaValidator providers = SchemaValidator.forResource(DeliveryProvider.class);

  private static JsonNode spec(String yaml) throws Exception {
    return YAML.readTree(yaml);
  }

  @Test
  void aValidNotificationHasNoErrors() throws Exception {
    assertThat(
            notifications.validate(
                spec(
                    """
        template: welcome
        recipients: [{email: ada@example.com}, {user: u-1}, {phone: "+4915112345678"}]
        channels: [email, sms]
        priority: high
        data: {name: Ada, nested: {a: [1, 2]}}
        expiresAfter: 1h30m
        """)))
        .isEmpty();
  }

  @Test
  void aValueWithATrailingLineBreakFailsItsPatternAsAtTheApiServer() {
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode spec = json.createObjectNode();
    spec.put("template", "welcome\n");
    spec.putArray("recipients").addObject().put("phone", "+4915112345678\n");
    spec.putArray("channels").add("sms");

    assertThat(notifications.validate(spec))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("spec.template", "spec.recipients[0].phone");
  }

  @Test
  void missingRequiredFieldsAreNamed() throws Exception {
    assertThat(notifications.validate(spec("template: welcome")))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("spec.recipients", "spec.channels");
  }

  @Test
  void wrongTypesUnknownFieldsEnumsAndPatternsAreNamed() throws Exception {
    List<FieldError> errors =
        notifications.validate(
            spec(
                """
        template: Not_A_Name
        recipients: "ada@example.com"
        channels: [email, pigeon]
        priority: 5
        colour: blue
        expiresAfter: soon
        """));
    assertThat(errors)
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "spec.template: must match ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
            "spec.recipients: must be an array, not a string",
            "spec.channels[1]: must be one of email, push, sms, not \"pigeon\"",
            "spec.priority: must be a string, not a number",
            "spec.colour: unknown field",
            "spec.expiresAfter: must match ^([0-9]+(ms|s|m|h))+$");
  }

  @Test
  void celRulesAreEvaluated() throws Exception {
    List<FieldError> errors =
        notifications.validate(
            spec(
                """
        template: welcome
        recipients: [{email: ada@example.com, user: u-1}, {}]
        channels: [email]
        """));
    assertThat(errors)
        .extracting(FieldError::toString)
        .containsExactly(
            "spec.recipients[0]: exactly one of user, email or phone must be set",
            "spec.recipients[1]: exactly one of user, email or phone must be set");
  }

  @Test
  void nestedFieldsOfTemplatesAndProvidersAreChecked() throws Exception {
    assertThat(templates.validate(spec("email: {subject: Hi}")))
        .extracting(FieldError::toString)
        .containsExactly("spec.email: an e-mail needs html or text");
    assertThat(templates.validate(spec("{}")))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec: a template needs content for at least one channel: email, sms or push");
    assertThat(
            providers.validate(
                spec(
                    """
        type: sendgrid
        secretRef: {name: creds}
        rateLimit: 0
        sendgrid: {from: not-an-address}
        """)))
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "spec.rateLimit: must be at least 1",
            "spec.sendgrid.from: must match ^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    // Like the API server, rules run on values that pass the structural checks.
    assertThat(
            providers.validate(
                spec(
                    """
        type: sendgrid
        secretRef: {name: creds}
        """)))
        .extracting(FieldError::toString)
        .containsExactly("spec: a sendgrid provider needs spec.sendgrid");
  }

  @Test
  void aVonageProviderNeedsASenderVonageTakes() throws Exception {
    assertThat(providers.validate(spec("type: vonage\nsecretRef: {name: creds}\n")))
        .extracting(FieldError::toString)
        .containsExactly("spec: a vonage provider needs spec.vonage");
    assertThat(
            providers.validate(
                spec("type: vonage\nsecretRef: {name: creds}\nvonage: {statusCallback: x}\n")))
        .extracting(FieldError::toString)
        .contains("spec.vonage.from: Required value");
    for (String from : List.of("+447700900000", "447700900000", "Herald", "Herald Shop", "12345")) {
      assertThat(
              providers.validate(
                  spec(
                      "type: vonage\nsecretRef: {name: creds}\nvonage: {from: \""
                          + from
                          + "\", statusCallback: \"https://herald.example/v1/webhooks/vonage/shop/vonage/status\"}\n")))
          .as(from)
          .isEmpty();
    }
    for (String from :
        List.of("+0447700900000", "Herald Shop1", " Herald", "Herald!", "+4477009000001234")) {
      assertThat(
              providers.validate(
                  spec(
                      "type: vonage\nsecretRef: {name: creds}\nvonage: {from: \""
                          + from
                          + "\"}\n")))
          .as(from)
          .extracting(FieldError::toString)
          .singleElement()
          .asString()
          .startsWith("spec.vonage.from: must match");
    }
  }

  @Test
  void anSmtpProviderNeedsItsRelayAndTakesNoEndpoint() throws Exception {
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        smtp: {host: email-smtp.eu-west-1.amazonaws.com, from: orders@shop.example, heloName: herald.shop.example}
        """)))
        .isEmpty();
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        smtp: {host: "10.0.0.25", port: 465, security: tls, from: orders@shop.example, fromName: Shop}
        """)))
        .isEmpty();
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        smtp: {host: "relay .example", port: 0, security: ssl, fromName: "a\\nb"}
        """)))
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "spec.smtp.from: Required value",
            "spec.smtp.host: must match " + dev.herald.api.provider.SmtpSettings.HOST,
            "spec.smtp.port: must be at least 1",
            "spec.smtp.security: must be one of none, starttls, tls, not \"ssl\"",
            "spec.smtp.fromName: must match ^[^\\x00-\\x1f\\x7f]*$");
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        """)))
        .extracting(FieldError::toString)
        .containsExactly("spec: an smtp provider needs spec.smtp");
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        smtp: {host: smtp.example.com, port: 70000, from: orders@shop.example}
        """)))
        .extracting(FieldError::toString)
        .containsExactly("spec.smtp.port: must be at most 65535");
    assertThat(
            providers.validate(
                spec(
                    """
        type: smtp
        secretRef: {name: creds}
        endpoint: https://smtp.example.com
        smtp: {host: smtp.example.com, from: orders@shop.example}
        """)))
        .extracting(FieldError::toString)
        .containsExactly(
            "spec: an smtp provider connects to spec.smtp.host and spec.smtp.port: spec.endpoint does not apply");
  }

  @Test
  void anAbsentSpecIsRequired() {
    assertThat(notifications.validate(null))
        .extracting(FieldError::toString)
        .containsExactly("spec: Required value");
  }
}
