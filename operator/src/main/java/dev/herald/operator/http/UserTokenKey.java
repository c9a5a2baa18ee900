package dev.herald.operator.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tenant's key for its client apps' user tokens, read from a Secret labelled {@code
 * herald.dev/user-token-key=true} in the tenant's namespace. The Secret's name is the {@code kid}
 * tokens name it by; {@code algorithm} pins the one algorithm it verifies ({@code HS256} with a
 * shared {@code secret} of at least 32 bytes, or {@code ES256} / {@code RS256} with a PEM {@code
 * publicKey}, so that the tenant's backend alone holds the private key); {@code issuer}, when set,
 * is the {@code iss} tokens must carry. Tokens must name the tenant's namespace in {@code aud}.
 */
record UserTokenKey(
    String tenant,
    String kid,
    JWSAlgorithm algorithm,
    JWSVerifier verifier,
    Optional<String> issuer) {
  static final String LABEL = "herald.dev/user-token-key";
  static final int MIN_SECRET_BYTES = 32;
  static final int MIN_RSA_BITS = 2048;
  private static final Pattern PEM_PUBLIC_KEY =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  /** What a Secret makes: a key, or why it makes none — naming the field, never quoting a value. */
  sealed interface Reading permits Usable, Refused {}

  record Usable(UserTokenKey key) implements Reading {}

  record Refused(String field, String reason) implements Reading {
    @Override
    public String toString() {
      return field + ": " + reason;
    }
  }

  /**
   * The key that the Secret {@code name} of namespace {@code tenant}, holding {@code values},
   * defines.
   */
  static Reading read(String tenant, String name, Map<String, String> values) {
    String algorithm = trimmed(values.get("algorithm"));
    String secret = values.get("secret");
    String publicKey = values.get("publicKey");
    String issuer = trimmed(values.get("issuer"));
    if (issuer != null
        && (issuer.isEmpty()
            || issuer.length() > 256
            || issuer.chars().anyMatch(Character::isISOControl))) {
      return new Refused(
          "issuer", "must be 1 to 256 characters without control characters, or absent");
    }
    Optional<String> iss = Optional.ofNullable(issuer);
    if (algorithm == null) {
      return new Refused("algorithm", "is required: HS256, ES256 or RS256");
    }
    try {
      return switch (algorithm) {
        case "HS256" -> {
          if (publicKey != null) {
            yield new Refused("publicKey", "HS256 verifies with 'secret'; remove 'publicKey'");
          }
          yield new Usable(new UserTokenKey(tenant, name, JWSAlgorithm.HS256, hmac(secret), iss));
        }
        case "ES256" ->
            new Usable(
                new UserTokenKey(tenant, name, JWSAlgorithm.ES256, ecdsa(secret, publicKey), iss));
        case "RS256" ->
            new Usable(
                new UserTokenKey(tenant, name, JWSAlgorithm.RS256, rsa(secret, publicKey), iss));
        default -> new Refused("algorithm", "must be HS256, ES256 or RS256");
      };
    } catch (RefusedKey e) {
      return e.refused;
    }
  }

  private static JWSVerifier hmac(String secret) throws RefusedKey {
    if (secret == null) {
      throw refused("secret", "is required for HS256");
    }
    // A value that is not UTF-8 was decoded with replacement characters: the bytes the backend
    // signs with are not the ones Herald would check with.
    if (secret.indexOf('\uFFFD') >= 0) {
      throw refused("secret", "must be text (UTF-8): tokens are signed with its UTF-8 bytes");
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw refused("secret", "must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    try {
      return new MACVerifier(bytes);
    } catch (JOSEException e) {
      throw refused("secret", "cannot be used as an HS256 key");
    }
  }

  private static JWSVerifier ecdsa(String secret, String pem) throws RefusedKey {
    PublicKey key = publicKey(secret, pem, "EC", "ES256");
    if (!(key instanceof ECPublicKey ec)
        || !Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
      throw refused("publicKey", "ES256 needs an EC key on the P-256 curve");
    }
    try {
      return new ECDSAVerifier(ec);
    } catch (JOSEException e) {
      throw refused("publicKey", "cannot be used as an ES256 key");
    }
  }

  private static JWSVerifier rsa(String secret, String pem) throws RefusedKey {
    PublicKey key = publicKey(secret, pem, "RSA", "RS256");
    if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw refused("publicKey", "RS256 needs an RSA key of at least " + MIN_RSA_BITS + " bits");
    }
    return new RSASSAVerifier(rsa);
  }

  /** A PEM SubjectPublicKeyInfo; a private key is refused, so that Herald never holds one. */
  private static PublicKey publicKey(String secret, String pem, String family, String algorithm)
      throws RefusedKey {
    if (secret != null) {
      throw refused("secret", algorithm + " verifies with 'publicKey'; remove 'secret'");
    }
    if (pem == null) {
      throw refused(
          "publicKey", "is required for " + algorithm + " (PEM, -----BEGIN PUBLIC KEY-----)");
    }
    if (pem.contains("PRIVATE KEY")) {
      throw refused(
          "publicKey",
          "holds a private key: give Herald only the public key, and keep the private key"
              + " in the backend that mints the tokens");
    }
    Matcher m = PEM_PUBLIC_KEY.matcher(pem.strip());
    if (!m.matches()) {
      throw refused(
          "publicKey",
          "must be one PEM public key (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(1));
      return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw refused("publicKey", "is not an " + family + " public key");
    }
  }

  private static RefusedKey refused(String field, String reason) {
    return new RefusedKey(new Refused(field, reason));
  }

  /** Carries a refusal out of the key builders. */
  private static final class RefusedKey extends Exception {
    private final Refused refused;

    RefusedKey(Refused refused) {
      super(refused.toString(), null, false, false);
      this.refused = refused;
    }
  }

  private static String trimmed(String value) {
    return value == null ? null : value.strip();
  }

  @Override
  public String toString() {
    // never the key material
    return "UserTokenKey[" + tenant + "/" + kid + ", " + algorithm + "]";
  }
}
