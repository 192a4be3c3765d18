package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.crypto.Digests;
import io.hsip.policygateway.hsip.crypto.Labels;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A per-subject pseudonymisation key: audit entries carry {@code pseudonym(peerId)} instead of the
 * PeerID, and destroying the key (an erasure request) makes those pseudonyms unlinkable to the
 * person while every leaf hash, and so the tree, stays verifiable.
 *
 * <p>Security guarantees: the pseudonym is keyed BLAKE3 (a PRF) under a 32-byte random key with the
 * domain label {@link Labels#AUDIT_PSEUDONYM}; without the key it reveals nothing about the PeerID
 * beyond equality with other pseudonyms under the same key. The key never appears in {@link
 * #toString()}.
 */
public final class SubjectKey {

  /** Key length in bytes. */
  public static final int LENGTH = 32;

  private final byte[] key;

  private SubjectKey(byte[] key) {
    this.key = key;
  }

  /** A fresh random key. */
  public static SubjectKey generate(SecureRandom random) {
    byte[] key = new byte[LENGTH];
    random.nextBytes(key);
    return new SubjectKey(key);
  }

  /** A key as stored. */
  public static SubjectKey fromBytes(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException("subject key must be 32 bytes");
    }
    return new SubjectKey(key.clone());
  }

  /** The 32 bytes, for storing the key. */
  public byte[] toBytes() {
    return key.clone();
  }

  /** The pseudonym of {@code peerId} under this key: 64 lowercase hex characters. */
  public String pseudonym(String peerId) {
    return LowerHex.encode(
        Digests.blake3Keyed(
            key,
            Labels.AUDIT_PSEUDONYM.getBytes(StandardCharsets.UTF_8),
            peerId.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The lookup reference of a subject's key row: an unkeyed digest, which carries no more than the
   * key row's existence (and disappears with it on erasure).
   */
  public static byte[] reference(String peerId) {
    return Sha256.of(
        Labels.AUDIT_SUBJECT_REFERENCE.getBytes(StandardCharsets.UTF_8),
        peerId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "SubjectKey[redacted]";
  }
}
