package io.hsip.policygateway.hsip.hello;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reference's binary {@code SignedHello} (docs/protocol.md#binary-hello). Library-only there:
 * it is never serialised or sent; kept so we can sign and check it exactly as the reference would.
 *
 * @param capabilities capability bits (bit0 sessions, bit1 consent, bit2 replay guard, bit3 nonce
 *     window, bit4 resumption, bit16 PQC)
 * @param publicKey the signer
 * @param timestampMs Unix ms
 */
public record BinaryHello(int capabilities, Ed25519PublicKey publicKey, long timestampMs) {

  /** The only binary HELLO version. */
  public static final int VERSION = 1;

  /** What the reference advertises by default: bits 0-4. */
  public static final int DEFAULT_CAPABILITIES = 0x1F;

  /**
   * {@code version u8 || capabilities u32 LE || public key (32) || timestamp_ms u64 LE}: 45 bytes.
   */
  public byte[] signedBytes() {
    return ByteBuffer.allocate(45)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) VERSION)
        .putInt(capabilities)
        .put(publicKey.toBytes())
        .putLong(timestampMs)
        .array();
  }

  /** Signs this HELLO with {@code key}, which must be {@link #publicKey()}'s. */
  public byte[] sign(SigningKey key) {
    if (!key.publicKey().equals(publicKey)) {
      throw new IllegalArgumentException("signing key does not match the HELLO's public key");
    }
    return key.sign(signedBytes());
  }

  /**
   * Verifies a signature strictly and the reference's ±{@code maxSkewMs} window (bounds inclusive).
   */
  public void verify(byte[] signature, long nowMs, long maxSkewMs) throws HelloParseException {
    if (timestampMs + maxSkewMs < nowMs || timestampMs > nowMs + maxSkewMs) {
      throw new HelloParseException("HELLO timestamp outside the allowed skew");
    }
    try {
      publicKey.verify(signedBytes(), signature);
    } catch (InvalidSignatureException e) {
      throw new HelloParseException("HELLO " + e.getMessage());
    }
  }

  /** Capability negotiation: bitwise AND; zero means no common ground. */
  public static int negotiate(int ours, int theirs) throws HelloParseException {
    int common = ours & theirs;
    if (common == 0) {
      throw new HelloParseException("no common capabilities");
    }
    return common;
  }
}
