package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Labels;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's Ed25519 signature over a decision receipt: the signed message is {@link
 * Labels#DECISION_RECEIPT}, a zero byte, then the receipt's canonical JSON (RFC 8785). The label
 * keeps a receipt signature from ever being valid as a consent response, checkpoint or any other
 * message the same key signs.
 *
 * <p>Security guarantees: {@link #verify} uses strict Ed25519 (canonical S, prime-order key) and
 * either returns normally or throws; there is no boolean to ignore.
 */
public final class DecisionReceiptSignature {

  private DecisionReceiptSignature() {}

  /** The exact bytes signed for {@code canonicalPayload}. */
  static byte[] message(byte[] canonicalPayload) {
    byte[] label = Labels.DECISION_RECEIPT.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[label.length + 1 + canonicalPayload.length];
    System.arraycopy(label, 0, out, 0, label.length);
    System.arraycopy(canonicalPayload, 0, out, label.length + 1, canonicalPayload.length);
    return out;
  }

  /** Signs {@code canonicalPayload}; returns the signature as 128 lowercase hex. */
  public static String sign(SigningKey key, byte[] canonicalPayload) {
    return LowerHex.encode(key.sign(message(canonicalPayload)));
  }

  /**
   * Verifies {@code sigHex} over {@code canonicalPayload} with {@code key}.
   *
   * @throws InvalidSignatureException if the signature is malformed or does not strictly verify
   */
  public static void verify(Ed25519PublicKey key, byte[] canonicalPayload, String sigHex)
      throws InvalidSignatureException {
    byte[] signature = LowerHex.decode(sigHex, 64);
    if (signature == null) {
      throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
    }
    key.verify(message(canonicalPayload), signature);
  }
}
