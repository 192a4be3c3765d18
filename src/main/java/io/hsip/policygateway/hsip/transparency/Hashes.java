package io.hsip.policygateway.hsip.transparency;

import java.util.List;

/** Shape checks on lists of tree hashes. */
final class Hashes {

  private Hashes() {}

  static void requireAll(List<byte[]> hashes, String what) throws ProofException {
    for (int i = 0; i < hashes.size(); i++) {
      if (hashes.get(i).length != TreeHasher.HASH_LENGTH) {
        throw new ProofException(
            what + ": hash " + i + " is " + hashes.get(i).length + " bytes, not 32");
      }
    }
  }
}
