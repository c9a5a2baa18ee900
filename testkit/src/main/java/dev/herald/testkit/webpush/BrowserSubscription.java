package dev.herald.testkit.webpush;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a browser holds for one Web Push subscription: the endpoint its push service gave it, its
 * own P-256 key pair and the 16-byte auth secret — and so what it takes to read a push, which this
 * class does independently of Herald's sender (RFC 8291 decryption of an aes128gcm body, RFC 8188).
 */
public final class BrowserSubscription {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String endpoint;
  private final KeyPair keys;
  private final byte[] auth = new byte[16];

  BrowserSubscription(String endpoint) {
    this.endpoint = endpoint;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      this.keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    RANDOM.nextBytes(auth);
  }

  public String endpoint() {
    return endpoint;
  }

  /** {@code keys.p256dh}: the uncompressed public point, URL-safe base64 without padding. */
  public String p256dh() {
    return base64(uncompressed((ECPublicKey) keys.getPublic()));
  }

  /** {@code keys.auth}. */
  public String auth() {
    return base64(auth);
  }

  /** {@code PushSubscription.toJSON()}, as a browser's script would send it to its server. */
  public String toJson() {
    return "{\"endpoint\":\""
        + endpoint
        + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\""
        + p256dh()
        + "\",\"auth\":\""
        + auth()
        + "\"}}";
  }

  /** The plaintext of an aes128gcm body encrypted to this subscription; throws if it is not one. */
  public byte[] decrypt(byte[] body) throws GeneralSecurityException {
    ByteBuffer in = ByteBuffer.wrap(body);
    if (body.length < 21 + 65 + 17) {
      throw new GeneralSecurityException("too short for an aes128gcm body");
    }
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    int idLength = in.get() & 0xff;
    if (idLength != 65 || recordSize < 18) {
      throw new GeneralSecurityException(
          "not an RFC 8291 header (key id " + idLength + " bytes, rs " + recordSize + ")");
    }
    byte[] senderPublic = new byte[65];
    in.get(senderPublic);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    if (ciphertext.length > recordSize) {
      throw new GeneralSecurityException("more than one record");
    }

    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(keys.getPrivate());
    agreement.doPhase(publicKey(senderPublic), true);
    byte[] ecdhSecret = agreement.generateSecret();

    byte[] receiverPublic = uncompressed((ECPublicKey) keys.getPublic());
    byte[] keyInfo =
        concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), receiverPublic, senderPublic);
    byte[] ikm = expand(hmac(auth, ecdhSecret), keyInfo, 32);
    byte[] prk = hmac(salt, ikm);
    byte[] cek =
        expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = aes.doFinal(ciphertext);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new GeneralSecurityException("the last record does not end with the delimiter 0x02");
    }
    return Arrays.copyOf(padded, end);
  }

  static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    fixed(key.getW().getAffineX(), out, 1);
    fixed(key.getW().getAffineY(), out, 33);
    return out;
  }

  static ECPublicKey publicKey(byte[] point) throws GeneralSecurityException {
    if (point.length != 65 || point[0] != 4) {
      throw new GeneralSecurityException("not an uncompressed point");
    }
    KeyFactory factory = KeyFactory.getInstance("EC");
    java.security.AlgorithmParameters parameters =
        java.security.AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return (ECPublicKey)
        factory.generatePublic(
            new ECPublicKeySpec(
                new ECPoint(
                    new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
                    new BigInteger(1, Arrays.copyOfRange(point, 33, 65))),
                parameters.getParameterSpec(java.security.spec.ECParameterSpec.class)));
  }

  private static void fixed(BigInteger value, byte[] out, int at) {
    byte[] bytes = value.toByteArray();
    int n = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - n, out, at + 32 - n, n);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** HKDF-Expand (RFC 5869) for at most one block. */
  private static byte[] expand(byte[] prk, byte[] info, int length)
      throws GeneralSecurityException {
    return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "BrowserSubscription[" + endpoint + "]";
  }
}
