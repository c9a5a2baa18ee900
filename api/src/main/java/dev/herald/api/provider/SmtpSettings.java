package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.herald.api.spec.Patterns;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Locale;

/**
 * Any SMTP relay (Amazon SES, Mailchimp Transactional, Postfix, ...): where it listens and how the
 * connection is protected; AUTH credentials and a private CA certificate are in the Secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SmtpSettings(
    @Required
        @Pattern(SmtpSettings.HOST)
        @JsonPropertyDescription("The relay's host name or IP address")
        String host,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
            "The relay's port: 587 when not given (465 is usual with security: tls)")
        Integer port,
    @JsonPropertyDescription(
            "starttls (default: the connection must be upgraded with STARTTLS, never sent in"
                + " plain text), tls (TLS from the first byte, usually port 465) or none (plain text, for a relay on a"
                + " trusted network only)")
        Security security,
    @Required @Pattern(Patterns.EMAIL) @JsonPropertyDescription("Default sender address")
        String from,
    @Pattern(Patterns.HEADER_TEXT)
        @JsonPropertyDescription("Default sender name (no control characters)")
        String fromName,
    @Pattern(SmtpSettings.HOST)
        @JsonPropertyDescription(
            "The name Herald gives in EHLO; the pod's host name when not given")
        String heloName) {

  /** A host name or an IPv4 address, or an IPv6 address without brackets. */
  public static final String HOST =
      "^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$";

  public static final int DEFAULT_PORT = 587;

  public int portOrDefault() {
    return port == null ? DEFAULT_PORT : port;
  }

  public Security securityOrDefault() {
    return security == null ? Security.STARTTLS : security;
  }

  /** The same settings for another relay (the sandbox points examples at its simulator). */
  public SmtpSettings withServer(String host, int port, Security security) {
    return new SmtpSettings(host, port, security, from, fromName, heloName);
  }

  /** How the connection to the relay is protected. */
  public enum Security {
    /**
     * Plain connect, then STARTTLS before anything else; a relay that does not offer it is refused.
     */
    STARTTLS,
    /** TLS from the first byte (SMTPS). */
    TLS,
    /** No TLS at all. */
    NONE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Security fromWire(String value) {
      for (Security s : values()) {
        if (s.wireName().equals(value)) {
          return s;
        }
      }
      return null;
    }
  }
}
