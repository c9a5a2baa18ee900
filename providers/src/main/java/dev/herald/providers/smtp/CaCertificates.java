package dev.herald.providers.smtp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Secret's {@code caCertificate}: one or more PEM certificates, read with the JDK alone (the
 * operator checks them without the mail SDK).
 */
final class CaCertificates {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

  private CaCertificates() {}

  /**
   * The certificates in {@code pem}; throws {@link IllegalArgumentException} (naming no value) if
   * there are none or one is broken.
   */
  static List<X509Certificate> parse(String pem) {
    Matcher blocks = BLOCK.matcher(pem);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (blocks.find()) {
        Collection<? extends Certificate> read =
            factory.generateCertificates(
                new ByteArrayInputStream(blocks.group().getBytes(StandardCharsets.US_ASCII)));
        for (Certificate c : read) {
          out.add((X509Certificate) c);
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("caCertificate is not a PEM X.509 certificate");
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("caCertificate is not a PEM X.509 certificate");
    }
    return out;
  }

  /** Trust managers that trust these certificates and nothing else: a private relay's own CA. */
  static TrustManager[] trusting(List<X509Certificate> certificates) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("caCertificate cannot be used as a trust anchor");
    }
  }
}
