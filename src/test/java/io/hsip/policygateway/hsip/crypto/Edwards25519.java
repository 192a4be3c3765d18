package io.hsip.policygateway.hsip.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A slow, obviously correct edwards25519 (RFC 8032 §5.1) in {@link BigInteger} affine coordinates:
 * the independent yardstick the strictness tests build hostile keys and signatures with. It shares
 * no code with BouncyCastle, so a test that passes here and fails there (or the reverse) tells the
 * two apart.
 *
 * <p>Test-only: nothing here is constant-time.
 */
final class Edwards25519 {

  /** The field prime {@code 2^255 - 19}. */
  static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  /** The curve constant {@code d = -121665 / 121666}. */
  static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);

  /** The prime order of the base point, {@code 2^252 + 27742317777372353535851937790883648493}. */
  static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  private static final BigInteger SQRT_M1 =
      BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  /** The neutral element (0, 1). */
  static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);

  /** The base point B: y = 4/5, x even. */
  static final Point BASE =
      java.util.Objects.requireNonNull(
          recover(BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P), 0));

  private Edwards25519() {}

  /** An affine point of {@code -x^2 + y^2 = 1 + d x^2 y^2}; coordinates are reduced mod p. */
  record Point(BigInteger x, BigInteger y) {

    /** The complete twisted Edwards addition law (d is not a square, so no exceptions). */
    Point add(Point o) {
      BigInteger t = D.multiply(x).multiply(o.x).multiply(y).multiply(o.y).mod(P);
      BigInteger x3 =
          x.multiply(o.y).add(o.x.multiply(y)).multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P);
      BigInteger y3 =
          y.multiply(o.y)
              .add(x.multiply(o.x))
              .multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P))
              .mod(P);
      return new Point(x3, y3);
    }

    /** {@code [k]this} for k >= 0, by double-and-add. */
    Point multiply(BigInteger k) {
      Point result = IDENTITY;
      Point addend = this;
      for (int i = 0; i < k.bitLength(); i++) {
        if (k.testBit(i)) {
          result = result.add(addend);
        }
        addend = addend.add(addend);
      }
      return result;
    }

    Point multiply(long k) {
      return multiply(BigInteger.valueOf(k));
    }

    boolean isIdentity() {
      return x.signum() == 0 && y.equals(BigInteger.ONE);
    }

    /** Whether {@code [8]P = O}: P is one of the eight torsion points. */
    boolean hasSmallOrder() {
      return multiply(8).isIdentity();
    }

    /** Whether {@code [L]P = O} and P is not the identity: P generates the prime-order subgroup. */
    boolean hasPrimeOrder() {
      return !isIdentity() && multiply(L).isIdentity();
    }

    /** The canonical 32-byte encoding: y little-endian, bit 255 = x mod 2. */
    byte[] encode() {
      return Edwards25519.encode(y, x.testBit(0) ? 1 : 0);
    }
  }

  /** An encoding of any 255-bit y (possibly >= p) with the given sign bit. */
  static byte[] encode(BigInteger y, int sign) {
    byte[] out = littleEndian(y, 32);
    out[31] = (byte) ((out[31] & 0x7f) | (sign << 7));
    return out;
  }

  /** The point with this y and x parity, or null if none; y must be reduced; "-0" is refused. */
  static @Nullable Point recover(BigInteger y, int sign) {
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    BigInteger xx = u.multiply(v.modInverse(P)).mod(P);
    BigInteger x = xx.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).mod(P).equals(xx)) {
      x = x.multiply(SQRT_M1).mod(P);
    }
    if (!x.multiply(x).mod(P).equals(xx)) {
      return null;
    }
    if (x.signum() == 0 && sign == 1) {
      return null;
    }
    if ((x.testBit(0) ? 1 : 0) != sign) {
      x = P.subtract(x);
    }
    return new Point(x, y);
  }

  /** RFC 8032 §5.1.3 decoding: y must be below p and "-0" is refused. */
  static @Nullable Point decodeStrict(byte[] encoded) {
    BigInteger y = yOf(encoded);
    return y.compareTo(P) >= 0 ? null : recover(y, signOf(encoded));
  }

  /**
   * Decoding as ref10-derived verifiers do it: y is reduced mod p and "-0" is read as 0. This is
   * the laxness non-canonical encodings exploit.
   */
  static @Nullable Point decodeLenient(byte[] encoded) {
    BigInteger y = yOf(encoded).mod(P);
    Point point = recover(y, signOf(encoded));
    return point != null ? point : recover(y, 0);
  }

  /** The RFC 8032 expansion of a seed: secret scalar a, nonce prefix and public point A. */
  static final class ExpandedKey {
    private final BigInteger a;
    private final byte[] prefix;
    private final Point publicPoint;

    private ExpandedKey(BigInteger a, byte[] prefix, Point publicPoint) {
      this.a = a;
      this.prefix = prefix;
      this.publicPoint = publicPoint;
    }

    Point publicPoint() {
      return publicPoint;
    }

    static ExpandedKey of(byte[] seed) {
      byte[] h = sha512(seed);
      byte[] scalar = Arrays.copyOf(h, 32);
      scalar[0] &= (byte) 0xf8;
      scalar[31] &= 0x7f;
      scalar[31] |= 0x40;
      BigInteger a = fromLittleEndian(scalar);
      return new ExpandedKey(a, Arrays.copyOfRange(h, 32, 64), BASE.multiply(a));
    }

    /** The deterministic nonce r = SHA-512(prefix || M) mod L. */
    BigInteger nonce(byte[] message) {
      return fromLittleEndian(sha512(prefix, message)).mod(L);
    }

    /** S = r + k a mod L for challenge k. */
    BigInteger response(BigInteger r, BigInteger k) {
      return r.add(k.multiply(a)).mod(L);
    }

    /** An RFC 8032 signature, computed independently of BouncyCastle. */
    byte[] sign(byte[] message) {
      BigInteger r = nonce(message);
      byte[] encodedR = BASE.multiply(r).encode();
      BigInteger k = challenge(encodedR, publicPoint.encode(), message);
      return signature(encodedR, response(r, k));
    }
  }

  /** k = SHA-512(R || A || M) mod L, over the encodings exactly as given. */
  static BigInteger challenge(byte[] encodedR, byte[] encodedA, byte[] message) {
    return fromLittleEndian(sha512(encodedR, encodedA, message)).mod(L);
  }

  /** {@code R || S} with S as 32 little-endian bytes (S may be >= L; it must be below 2^256). */
  static byte[] signature(byte[] encodedR, BigInteger s) {
    byte[] out = Arrays.copyOf(encodedR, 64);
    System.arraycopy(littleEndian(s, 32), 0, out, 32, 32);
    return out;
  }

  /** S of a signature as an integer. */
  static BigInteger sOf(byte[] signature) {
    return fromLittleEndian(Arrays.copyOfRange(signature, 32, 64));
  }

  /**
   * The cofactorless equation {@code [S]B = R + [k]A}, decoding R and A leniently and without the S
   * &lt; L check: what a permissive ref10-style verifier accepts.
   */
  static boolean verifyLenientCofactorless(byte[] publicKey, byte[] message, byte[] signature) {
    Point a = decodeLenient(publicKey);
    Point r = decodeLenient(Arrays.copyOf(signature, 32));
    if (a == null || r == null) {
      return false;
    }
    BigInteger k = challenge(Arrays.copyOf(signature, 32), publicKey, message);
    return BASE.multiply(sOf(signature)).equals(r.add(a.multiply(k)));
  }

  /**
   * The cofactored equation {@code [8][S]B = [8]R + [8][k]A} with strict decoding and S &lt; L: RFC
   * 8032 §5.1.7's "sufficient" check, the one mixed-order R values satisfy.
   */
  static boolean verifyCofactored(byte[] publicKey, byte[] message, byte[] signature) {
    Point a = decodeStrict(publicKey);
    Point r = decodeStrict(Arrays.copyOf(signature, 32));
    BigInteger s = sOf(signature);
    if (a == null || r == null || s.compareTo(L) >= 0) {
      return false;
    }
    BigInteger k = challenge(Arrays.copyOf(signature, 32), publicKey, message);
    return BASE.multiply(s).multiply(8).equals(r.add(a.multiply(k)).multiply(8));
  }

  /**
   * The cofactorless equation with strict decoding and S &lt; L (what {@code verify_strict}
   * computes, minus its small-order checks).
   */
  static boolean verifyCofactorless(byte[] publicKey, byte[] message, byte[] signature) {
    Point a = decodeStrict(publicKey);
    Point r = decodeStrict(Arrays.copyOf(signature, 32));
    BigInteger s = sOf(signature);
    if (a == null || r == null || s.compareTo(L) >= 0) {
      return false;
    }
    BigInteger k = challenge(Arrays.copyOf(signature, 32), publicKey, message);
    return BASE.multiply(s).equals(r.add(a.multiply(k)));
  }

  /**
   * A point of order exactly 8, found as {@code [L]Q} for the first decodable y = 2, 3, ... whose
   * torsion component has order 8.
   */
  static Point torsionGenerator() {
    for (int y = 2; ; y++) {
      Point q = recover(BigInteger.valueOf(y), 0);
      if (q == null) {
        continue;
      }
      Point t = q.multiply(L);
      if (!t.multiply(4).isIdentity()) {
        return t;
      }
    }
  }

  static BigInteger fromLittleEndian(byte[] bytes) {
    byte[] be = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      be[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  static byte[] littleEndian(BigInteger value, int length) {
    byte[] be = value.toByteArray();
    byte[] out = new byte[length];
    for (int i = 0; i < length && i < be.length; i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  private static BigInteger yOf(byte[] encoded) {
    byte[] copy = encoded.clone();
    copy[31] &= 0x7f;
    return fromLittleEndian(copy);
  }

  private static int signOf(byte[] encoded) {
    return (encoded[31] >> 7) & 1;
  }

  static byte[] sha512(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-512");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
