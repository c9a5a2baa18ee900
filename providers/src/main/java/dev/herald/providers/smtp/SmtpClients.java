package dev.herald.providers.smtp;

import dev.herald.api.provider.SmtpSettings;
import dev.herald.core.unsubscribe.UnsubscribeLinks;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import jakarta.mail.Session;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * SMTP through Jakarta Mail (Eclipse Angus): a {@link Session} per provider with {@code
 * spec.smtp}'s host, port and security, and a pool of authenticated connections ({@link
 * SmtpConnections}, at most {@code spec.maxConcurrency} kept, {@value #DEFAULT_CONNECTIONS} when
 * not given).
 *
 * <p>{@code starttls} requires STARTTLS — a relay that does not offer it is not sent to, so a man
 * in the middle cannot strip it — and {@code tls} speaks TLS from the first byte; both check the
 * relay's certificate and host name, against the Secret's {@code caCertificate} alone when it has
 * one (a private relay), else the JVM's trust store. {@code none} is plain text throughout.
 */
final class SmtpClients {
  static final int DEFAULT_CONNECTIONS = 10;
  private final Optional<UnsubscribeLinks> unsubscribe;

  SmtpClients(Optional<UnsubscribeLinks> unsubscribe) {
    this.unsubscribe = unsubscribe;
  }

  ProviderClient create(ProviderConfig config) {
    SmtpSettings settings = config.spec().getSmtp();
    if (settings == null || settings.host() == null || settings.from() == null) {
      throw new IllegalArgumentException("spec.smtp needs host and from");
    }
    Map<String, String> secret = config.secret();
    String username = value(secret, "username");
    String password = value(secret, "password");
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException(
          "the provider's Secret has "
              + (username == null ? "password without username" : "username without password"));
    }
    String millis = Long.toString(config.timeout().toMillis());
    Properties props = new Properties();
    props.put("mail.smtp.host", settings.host());
    props.put("mail.smtp.port", Integer.toString(settings.portOrDefault()));
    props.put("mail.smtp.connectiontimeout", millis);
    props.put("mail.smtp.timeout", millis);
    props.put("mail.smtp.writetimeout", millis);
    props.put("mail.smtp.auth", Boolean.toString(username != null));
    // no NTLM, DIGEST-MD5 or XOAUTH2 attempts with a user name and password
    props.put("mail.smtp.auth.mechanisms", "PLAIN LOGIN");
    // isConnected() (the pool's check before reuse) sends RSET, which also ends a failed
    // transaction
    props.put("mail.smtp.userset", "true");
    props.put("mail.smtp.quitwait", "false");
    if (settings.heloName() != null) {
      props.put("mail.smtp.localhost", settings.heloName());
    }
    SmtpSettings.Security security = settings.securityOrDefault();
    switch (security) {
      case STARTTLS -> {
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
      }
      case TLS -> props.put("mail.smtp.ssl.enable", "true");
      case NONE -> props.put("mail.smtp.starttls.enable", "false");
    }
    if (security != SmtpSettings.Security.NONE) {
      props.put("mail.smtp.ssl.checkserveridentity", "true");
      props.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
      props.put("mail.smtp.ssl.socketFactory", socketFactory(value(secret, "caCertificate")));
    }
    Session session = Session.getInstance(props);
    int keep =
        config.spec().getMaxConcurrency() != null
            ? config.spec().getMaxConcurrency()
            : DEFAULT_CONNECTIONS;
    SmtpConnections connections =
        new SmtpConnections(
            session, settings.host(), settings.portOrDefault(), username, password, keep);
    return new SmtpClient(config.name(), settings, connections, username, unsubscribe);
  }

  private static SSLSocketFactory socketFactory(String caCertificate) {
    if (caCertificate == null) {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null, CaCertificates.trusting(CaCertificates.parse(caCertificate)), new SecureRandom());
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("caCertificate cannot be used as a trust anchor");
    }
  }

  private static String value(Map<String, String> secret, String key) {
    String v = secret.get(key);
    return v == null || v.isBlank() ? null : v;
  }
}
