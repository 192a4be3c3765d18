package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

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

  /** Latest {@code ts_ms} accepted: 9999-12-31T23:59:59.999Z. */
  private static final long MAX_TS_MS = 253_402_300_799_999L;

  /**
   * Signs a revocation of {@code key}. The reference's format signs the raw reason with no domain
   * label, so a chosen reason could make the signature valid for another message type (e.g. a
   * {@code CONSENT_RESPONSE|...} string): reasons with {@code |}, control characters or more than
   * 200 characters are refused, and so is a {@code ts_ms} outside year 0-9999 (eight bytes of
   * printable text, read as a little-endian {@code ts_ms}, are always beyond year 9999).
   */
  public static KeyRevocation sign(SigningKey key, String reason, long tsMs) {
    String problem = problem(reason, tsMs);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String sig = LowerHex.encode(key.sign(signedBytes(reason, tsMs)));
    return new KeyRevocation(key.peerId().value(), reason, tsMs, sig);
  }

  /**
   * Verifies the record with the revoked key. Applies the same rules as {@link #sign}: without them
   * any text the key ever signed would verify as a revocation once its last eight bytes are read as
   * {@code ts_ms}.
   */
  public void verify(Ed25519PublicKey revokedKey) throws InvalidSignatureException {
    if (!revokedKey.peerId().value().equals(peerId)) {
      throw new InvalidSignatureException("revocation is for another PeerID");
    }
    String problem = problem(reason, tsMs);
    if (problem != null) {
      throw new InvalidSignatureException(problem);
    }
    byte[] sig = LowerHex.decode(sigHex, 64);
    if (sig == null) {
      throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
    }
    revokedKey.verify(signedBytes(reason, tsMs), sig);
  }

  /** The rule {@code reason} and {@code tsMs} break, or null when a revocation may carry them. */
  private static @Nullable String problem(String reason, long tsMs) {
    if (reason.isEmpty()) {
      return "revocation reason must not be empty";
    }
    if (reason.length() > 200) {
      return "revocation reason must be at most 200 characters";
    }
    if (reason.indexOf('|') >= 0) {
      return "revocation reason must not contain '|'";
    }
    if (reason.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "revocation reason must not contain control characters";
    }
    if (tsMs < 0 || tsMs > MAX_TS_MS) {
      return "revocation ts_ms must be between 0 and " + MAX_TS_MS + " (year 9999)";
    }
    return null;
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
