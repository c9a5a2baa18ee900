package dev.herald.testkit.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * A tenant backend's key for client apps' user tokens, for tests: mints tokens the way a backend
 * would (with nimbus-jose-jwt), says what the tenant's {@code herald.dev/user-token-key} Secret
 * holds for it, and signs whatever bytes an attacker would want signed.
 */
public final class BackendSigningKey {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String kid;
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;
  private final Map<String, String> secretData;
  private final String publicKeyPem;

  private BackendSigningKey(
      String kid,
      JWSAlgorithm algorithm,
      JWSSigner signer,
      Map<String, String> secretData,
      String publicKeyPem) {
    this.kid = kid;
    this.algorithm = algorithm;
    this.signer = signer;
    this.secretData = Map.copyOf(secretData);
    this.publicKeyPem = publicKeyPem;
  }

  /** A shared HS256 secret: 48 random base64url characters (48 bytes). */
  public static BackendSigningKey hs256(String kid) {
    byte[] random = new byte[36];
    RANDOM.nextBytes(random);
    return hs256(kid, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
  }

  public static BackendSigningKey hs256(String kid, String secret) {
    try {
      return new BackendSigningKey(
          kid,
          JWSAlgorithm.HS256,
          new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
          Map.of("algorithm", "HS256", "secret", secret),
          null);
    } catch (JOSEException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A fresh P-256 key pair; the Secret holds only the public key. */
  public static BackendSigningKey es256(String kid) {
    KeyPair pair = pair("EC", 0, new ECGenParameterSpec("secp256r1"));
    try {
      return asymmetric(
          kid,
          JWSAlgorithm.ES256,
          new ECDSASigner((ECPrivateKey) pair.getPrivate()),
          pair.getPublic());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh RSA key pair of {@code bits}; the Secret holds only the public key. */
  public static BackendSigningKey rs256(String kid, int bits) {
    KeyPair pair = pair("RSA", bits, null);
    return asymmetric(
        kid, JWSAlgorithm.RS256, new RSASSASigner(pair.getPrivate(), true), pair.getPublic());
  }

  public static BackendSigningKey rs256(String kid) {
    return rs256(kid, 2048);
  }

  private static BackendSigningKey asymmetric(
      String kid, JWSAlgorithm alg, JWSSigner signer, PublicKey publicKey) {
    String pem = pem(publicKey);
    return new BackendSigningKey(
        kid, alg, signer, Map.of("algorithm", alg.getName(), "publicKey", pem), pem);
  }

  private static KeyPair pair(String family, int bits, ECGenParameterSpec curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(family);
      if (curve != null) {
        g.initialize(curve);
      } else {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A public key as PEM SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it. */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  public String kid() {
    return kid;
  }

  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * What the tenant's Secret labelled {@code herald.dev/user-token-key=true} holds for this key.
   */
  public Map<String, String> secretData() {
    return secretData;
  }

  /** The public key's PEM (null for HS256). */
  public String publicKeyPem() {
    return publicKeyPem;
  }

  /** The header a backend sends: this key's alg, its kid, typ JWT. */
  public JWSHeader.Builder header() {
    return new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT);
  }

  /**
   * The claims a backend sends: sub, aud (the tenant's namespace), iat now and exp after {@code
   * lifetime}.
   */
  public static JWTClaimsSet.Builder claims(
      String subject, String tenant, Instant now, Duration lifetime) {
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .audience(tenant)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)));
  }

  /** A token for {@code subject} of {@code tenant}, valid for {@code lifetime} from now. */
  public String mint(String subject, String tenant, Duration lifetime) {
    return sign(header().build(), claims(subject, tenant, Instant.now(), lifetime).build());
  }

  public String sign(JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code header.payload.signature} of exactly these JSON texts, signed with this key. */
  public String signRaw(String headerJson, String payloadJson) {
    String input = Base64URL.encode(headerJson).toString() + "." + Base64URL.encode(payloadJson);
    return input + "." + signature(input);
  }

  /** This key's signature over {@code signingInput} (the first two parts of a token), base64url. */
  public String signature(String signingInput) {
    try {
      return signer
          .sign(new JWSHeader(algorithm), signingInput.getBytes(StandardCharsets.US_ASCII))
          .toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
