package dev.herald.core.webpush;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * The NIST P-256 keys Web Push uses, in the raw forms browsers and VAPID tools exchange: a public
 * key as the 65-byte uncompressed point ({@code 0x04 || x || y}), a private key as its 32-byte
 * scalar. A point is accepted only if it lies on the curve, so that no invalid-curve point reaches
 * a key agreement.
 */
public final class P256 {
  public static final int POINT_BYTES = 65;
  public static final int SCALAR_BYTES = 32;
  public static final ECParameterSpec SPEC;

  static {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      SPEC = parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError("this JVM has no P-256: " + e);
    }
  }

  private P256() {}

  /** Whether {@code bytes} is an uncompressed point on P-256 (not the point at infinity). */
  public static boolean isPoint(byte[] bytes) {
    if (bytes == null || bytes.length != POINT_BYTES || bytes[0] != 0x04) {
      return false;
    }
    BigInteger p = ((ECFieldFp) SPEC.getCurve().getField()).getP();
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 1, 33));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(bytes, 33, 65));
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    // y² = x³ + ax + b (mod p)
    BigInteger right =
        x.pow(3).add(SPEC.getCurve().getA().multiply(x)).add(SPEC.getCurve().getB()).mod(p);
    return y.modPow(BigInteger.TWO, p).equals(right);
  }

  /**
   * The public key of an uncompressed point; {@link IllegalArgumentException} unless {@link
   * #isPoint}.
   */
  public static ECPublicKey publicKey(byte[] point) {
    if (!isPoint(point)) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, SPEC));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable P-256 public key");
    }
  }

  /** The private key of a 32-byte scalar in [1, n). */
  public static ECPrivateKey privateKey(byte[] scalar) {
    if (scalar == null || scalar.length != SCALAR_BYTES) {
      throw new IllegalArgumentException("not a 32-byte P-256 private key");
    }
    BigInteger s = new BigInteger(1, scalar);
    if (s.signum() == 0 || s.compareTo(SPEC.getOrder()) >= 0) {
      throw new IllegalArgumentException("not a P-256 private key (out of range)");
    }
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, SPEC));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable P-256 private key");
    }
  }

  /** A public key as its 65-byte uncompressed point. */
  public static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[POINT_BYTES];
    out[0] = 0x04;
    copyFixed(key.getW().getAffineX(), out, 1);
    copyFixed(key.getW().getAffineY(), out, 33);
    return out;
  }

  private static void copyFixed(BigInteger value, byte[] out, int at) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, at + 32 - length, length);
  }
}
