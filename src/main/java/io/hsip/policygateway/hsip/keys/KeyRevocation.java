package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The reference's key revocation record ({@code hsip-cli revoke},
 * docs/protocol.md#key-rotation-and-revocation-records): the key signs {@code UTF-8(reason) ||
 * ts_ms u64 LE}. The record carries no public key, so verifying it needs the revoked key from
 * elsewhere.
 *
 * @param peerId PeerID of the revoked key
 * @param reason free text
 * @param tsMs Unix ms
 * @param sigHex 128 lowercase hex
 */
public record KeyRevocation(String peerId, String reason, long tsMs, String sigHex) {

  /**
   * Signs a revocation of {@code key}. The reference's format signs the raw reason with no domain
   * label, so a chosen reason could make the signature valid for another message type (e.g. a
   * {@code CONSENT_RESPONSE|...} string): reasons with {@code |}, control characters or more than
   * 200 characters are refused.
   */
  public static KeyRevocation sign(SigningKey key, String reason, long tsMs) {
    if (reason.isEmpty()
        || reason.length() > 200
        || reason.chars().anyMatch(c -> c == '|' || c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "revocation reason must be 1-200 characters without '|' or controls");
    }
    String sig = LowerHex.encode(key.sign(signedBytes(reason, tsMs)));
    return new KeyRevocation(key.peerId().value(), reason, tsMs, sig);
  }

  /** Verifies the record with the revoked key. */
  public void verify(Ed25519PublicKey revokedKey) throws InvalidSignatureException {
    if (!revokedKey.peerId().value().equals(peerId)) {
      throw new InvalidSignatureException("revocation is for another PeerID");
    }
    byte[] sig = LowerHex.decode(sigHex, 64);
    if (sig == null) {
      throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
    }
    revokedKey.verify(signedBytes(reason, tsMs), sig);
  }

  /** {@code UTF-8(reason) || ts_ms u64 little-endian}. */
  public static byte[] signedBytes(String reason, long tsMs) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(text.length + 8)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(text)
        .putLong(tsMs)
        .array();
  }

  /** The record as the reference writes it (serde pretty, struct order). */
  public String toPrettyJson() {
    return SerdeJsonWriter.pretty()
        .beginObject()
        .field("peer_id", peerId)
        .field("reason", reason)
        .field("ts_ms", tsMs)
        .field("sig_hex", sigHex)
        .endObject()
        .toString();
  }
}
