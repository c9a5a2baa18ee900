package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.herald.api.spec.TolerantSpec;
import dev.herald.api.spec.TolerantSpecDeserializer;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = TolerantSpecDeserializer.class)
@ValidationRule(
    value = "self.type != 'sendgrid' || has(self.sendgrid)",
    message = "a sendgrid provider needs spec.sendgrid")
@ValidationRule(
    value = "self.type != 'apns' || has(self.apns)",
    message = "an apns provider needs spec.apns")
@ValidationRule(
    value = "self.type != 'fcm' || has(self.fcm)",
    message = "an fcm provider needs spec.fcm")
@ValidationRule(
    value = "self.type != 'twilio' || has(self.twilio)",
    message = "a twilio provider needs spec.twilio")
@ValidationRule(
    value = "self.type != 'vonage' || has(self.vonage)",
    message = "a vonage provider needs spec.vonage")
@ValidationRule(
    value = "self.type != 'webpush' || has(self.webpush)",
    message = "a webpush provider needs spec.webpush")
@ValidationRule(
    value = "self.type != 'webpush' || !has(self.endpoint)",
    message =
        "a webpush provider sends to each subscription's own endpoint: spec.endpoint does not apply")
@ValidationRule(
    value = "self.type != 'smtp' || has(self.smtp)",
    message = "an smtp provider needs spec.smtp")
@ValidationRule(
    value = "self.type != 'smtp' || !has(self.endpoint)",
    message =
        "an smtp provider connects to spec.smtp.host and spec.smtp.port: spec.endpoint does not apply")
public class DeliveryProviderSpec extends TolerantSpec {
  @Required
  @JsonPropertyDescription("apns, fcm, webpush, twilio, vonage, sendgrid or smtp")
  private ProviderType type;

  @Required
  @JsonPropertyDescription(
      "Secret holding the credentials (sendgrid: apiKey; apns: signingKey, the .p8 PEM,"
          + " and caCertificate to trust a private endpoint; fcm: serviceAccount, the JSON key; webpush: vapidPublicKey"
          + " and vapidPrivateKey, URL-safe base64 as VAPID tools print them; twilio: accountSid with authToken, or"
          + " with apiKeySid and apiKeySecret; vonage: apiKey and apiSecret, and signatureSecret with signatureMethod"
          + " (md5hash, md5, sha1, sha256, sha512) to verify signed webhooks; smtp: username and password for AUTH,"
          + " both or neither, and caCertificate to trust a private relay)")
  private SecretReference secretRef;

  private SendGridSettings sendgrid;

  private ApnsSettings apns;

  private FcmSettings fcm;

  private TwilioSettings twilio;

  private VonageSettings vonage;

  private WebPushSettings webpush;

  private SmtpSettings smtp;

  @JsonPropertyDescription(
      "Base URL overriding the provider's API host (proxies, regional endpoints, simulators);"
          + " not for webpush or smtp (spec.smtp.host)")
  @Pattern("^https?://[^\\s/]+(:[0-9]+)?(/.*)?$")
  private String endpoint;

  @JsonPropertyDescription("Most deliveries per second through this provider")
  @Min(1)
  @Max(1000000)
  private Integer rateLimit;

  @JsonPropertyDescription("Most requests in flight to this provider at once")
  @Min(1)
  @Max(10000)
  private Integer maxConcurrency;

  @JsonPropertyDescription("Lower is tried first when several providers serve a channel")
  @Min(0)
  @Max(1000)
  private Integer order;

  public ProviderType getType() {
    return type;
  }

  public void setType(ProviderType type) {
    this.type = type;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }

  public SendGridSettings getSendgrid() {
    return sendgrid;
  }

  public void setSendgrid(SendGridSettings sendgrid) {
    this.sendgrid = sendgrid;
  }

  public ApnsSettings getApns() {
    return apns;
  }

  public void setApns(ApnsSettings apns) {
    this.apns = apns;
  }

  public FcmSettings getFcm() {
    return fcm;
  }

  public void setFcm(FcmSettings fcm) {
    this.fcm = fcm;
  }

  public TwilioSettings getTwilio() {
    return twilio;
  }

  public void setTwilio(TwilioSettings twilio) {
    this.twilio = twilio;
  }

  public VonageSettings getVonage() {
    return vonage;
  }

  public void setVonage(VonageSettings vonage) {
    this.vonage = vonage;
  }

  public WebPushSettings getWebpush() {
    return webpush;
  }

  public void setWebpush(WebPushSettings webpush) {
    this.webpush = webpush;
  }

  public SmtpSettings getSmtp() {
    return smtp;
  }

  public void setSmtp(SmtpSettings smtp) {
    this.smtp = smtp;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Integer getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(Integer rateLimit) {
    this.rateLimit = rateLimit;
  }

  public Integer getMaxConcurrency() {
    return maxConcurrency;
  }

  public void setMaxConcurrency(Integer maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
  }

  public Integer getOrder() {
    return order;
  }

  public void setOrder(Integer order) {
    this.order = order;
  }
}
