package io.hsip.policygateway.hsip.transparency;

/**
 * Where proof generation reads stored hashes from: the hash of any perfect subtree of the tree
 * (2^level leaves starting at leaf {@code index * 2^level}). Perfect subtrees never change once
 * their last leaf is integrated, so a source may cache them forever.
 */
@FunctionalInterface
public interface NodeSource {

  /**
   * The hash of the perfect subtree at {@code level} (0 = a leaf hash) and {@code index}.
   *
   * @throws IllegalStateException if the subtree is not (yet) stored
   */
  byte[] perfectNode(int level, long index);
}
