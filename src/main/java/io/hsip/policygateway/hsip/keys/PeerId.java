package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.crypto.Digests;
import org.apache.commons.codec.binary.Base32;

/**
 * An HSIP PeerID: the first 26 characters of the unpadded upper-case RFC 4648 Base32 encoding of
 * BLAKE3-256 of the raw Ed25519 public key (docs/protocol.md#identities-and-peerids). Compared as
 * exact strings.
 */
public final class PeerId implements Comparable<PeerId> {

  /** Length of a PeerID in characters. */
  public static final int LENGTH = 26;

  private final String value;

  private PeerId(String value) {
    this.value = value;
  }

  /** The PeerID of a raw 32-byte Ed25519 public key. */
  static PeerId derive(byte[] publicKey) {
    String b32 = new Base32().encodeAsString(Digests.blake3(publicKey));
    return new PeerId(b32.substring(0, LENGTH));
  }

  /**
   * Parses a PeerID string.
   *
   * @throws IllegalArgumentException if it is not 26 characters of {@code A-Z2-7}
   */
  public static PeerId parse(String text) {
    if (!isWellFormed(text)) {
      throw new IllegalArgumentException("PeerID must be 26 characters of A-Z and 2-7");
    }
    return new PeerId(text);
  }

  /** Whether {@code text} has the shape of a PeerID (26 characters of {@code A-Z2-7}). */
  public static boolean isWellFormed(String text) {
    if (text.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = text.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
  }

  /** The 26-character string form. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PeerId that && value.equals(that.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(PeerId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
