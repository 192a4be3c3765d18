package io.hsip.policygateway.hsip.crypto;

/**
 * Authenticated encryption with associated data, bound to one key.
 *
 * <p>Security guarantees: {@link #open} returns plaintext only if the tag authenticates the
 * ciphertext, the nonce and the associated data under this key; otherwise it throws and releases
 * nothing. It is the caller's duty never to seal two messages with the same nonce. Instances are
 * immutable and thread-safe.
 */
public interface Aead {

  /** Key length in bytes. */
  int KEY_LENGTH = 32;

  /** Nonce length in bytes. */
  int NONCE_LENGTH = 12;

  /** Tag length in bytes. */
  int TAG_LENGTH = 16;

  /** Encrypts and authenticates; returns {@code ciphertext || tag}. */
  byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData);

  /**
   * Authenticates and decrypts {@code ciphertext || tag}.
   *
   * @throws AeadException if the input is too short or does not authenticate
   */
  byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData) throws AeadException;
}
