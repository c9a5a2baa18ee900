package dev.herald.core.queue;

import dev.herald.core.config.NatsSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The SSL context of a NATS connection from PEM files, with the JDK alone: Kubernetes Secrets (and
 * cert-manager) hold PEM, while jnats' own TLS options want Java key stores.
 */
final class NatsTls {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private NatsTls() {}

  /** Trusts {@code tlsCa} (else the JVM's CAs); presents {@code tlsCert} when given. */
  static SSLContext context(NatsSecurity security) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (security.tlsCa() != null) {
        KeyStore cas = emptyStore();
        int i = 0;
        for (Certificate ca : certificates(security.tlsCa(), "HERALD_NATS_TLS_CA")) {
          cas.setCertificateEntry("ca-" + i++, ca);
        }
        trust.init(cas);
      } else {
        trust.init((KeyStore) null);
      }
      KeyManagerFactory keys = null;
      if (security.tlsCert() != null) {
        char[] password = new char[0];
        KeyStore own = emptyStore();
        own.setKeyEntry(
            "client",
            privateKey(security.tlsKey()),
            password,
            certificates(security.tlsCert(), "HERALD_NATS_TLS_CERT").toArray(Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(own, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS to NATS: " + e.getMessage(), e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static List<Certificate> certificates(Path file, String variable)
      throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (all.isEmpty()) {
        throw new IllegalArgumentException(variable + " holds no PEM certificate: " + file);
      }
      return List.copyOf(all);
    }
  }

  /** A PKCS#8 key ({@code BEGIN PRIVATE KEY}), RSA or EC, as cert-manager writes with PKCS8. */
  private static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
    Matcher m = PKCS8.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new IllegalArgumentException(
          "HERALD_NATS_TLS_KEY must be a PKCS#8 PEM key (BEGIN PRIVATE KEY): " + file);
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IllegalArgumentException(
        "HERALD_NATS_TLS_KEY is no EC, RSA or Ed25519 key: " + file, last);
  }
}
