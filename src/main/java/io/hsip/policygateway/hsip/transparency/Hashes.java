package io.hsip.policygateway.hsip.transparency;

import java.util.List;

/** Shape checks on tree hashes: every one is exactly {@link TreeHasher#HASH_LENGTH} bytes. */
final class Hashes {

  private Hashes() {}

  static void requireAll(List<byte[]> hashes, String what) throws ProofException {
    for (int i = 0; i < hashes.size(); i++) {
      require(hashes.get(i), what, "hash " + i);
    }
  }

  /**
   * Refuses a hash of the wrong length before it is compared: two equal but truncated (or empty)
   * "hashes" would otherwise prove anything.
   */
  static void require(byte[] hash, String what, String name) throws ProofException {
    if (hash.length != TreeHasher.HASH_LENGTH) {
      throw new ProofException(
          what + ": " + name + " is " + hash.length + " bytes, not " + TreeHasher.HASH_LENGTH);
    }
  }
}
