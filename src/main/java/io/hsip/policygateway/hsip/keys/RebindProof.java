package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;

/**
 * The reference's key rotation proof ({@code hsip-cli rotate-key},
 * docs/protocol.md#key-rotation-and-revocation-records): the old key signs the raw 32-byte new
 * public key.
 *
 * @param oldPeerId PeerID of the old key
 * @param newPeerId PeerID of the new key
 * @param newVkHex the new public key, 64 lowercase hex
 * @param sigHex the old key's signature, 128 lowercase hex
 */
public record RebindProof(String oldPeerId, String newPeerId, String newVkHex, String sigHex) {

  /** Signs a rebind from {@code oldKey} to {@code newKey}. */
  public static RebindProof sign(SigningKey oldKey, Ed25519PublicKey newKey) {
    String sig = LowerHex.encode(oldKey.sign(newKey.toBytes()));
    return new RebindProof(oldKey.peerId().value(), newKey.peerId().value(), newKey.hex(), sig);
  }

  /** Verifies the proof with the old key; returns the validated new key. */
  public Ed25519PublicKey verify(Ed25519PublicKey oldKey)
      throws InvalidSignatureException, InvalidKeyException {
    if (!oldKey.peerId().value().equals(oldPeerId)) {
      throw new InvalidSignatureException("proof is for another old PeerID");
    }
    Ed25519PublicKey newKey = Ed25519PublicKey.fromHex(newVkHex);
    if (!newKey.peerId().value().equals(newPeerId)) {
      throw new InvalidKeyException("new_peer_id does not match new_vk_hex");
    }
    byte[] sig = LowerHex.decode(sigHex, 64);
    if (sig == null) {
      throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
    }
    oldKey.verify(newKey.toBytes(), sig);
    return newKey;
  }

  /** The record as the reference writes it (serde pretty, struct order). */
  public String toPrettyJson() {
    return SerdeJsonWriter.pretty()
        .beginObject()
        .field("old_peer_id", oldPeerId)
        .field("new_peer_id", newPeerId)
        .field("new_vk_hex", newVkHex)
        .field("sig_hex", sigHex)
        .endObject()
        .toString();
  }
}
