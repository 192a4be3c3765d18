package io.hsip.policygateway.hsip.crypto;

/** Factories for {@link Aead} implementations. */
public final class Aeads {

  private Aeads() {}

  /** ChaCha20-Poly1305 (RFC 8439) with a 32-byte key. */
  public static Aead chaCha20Poly1305(byte[] key) {
    return new ChaCha20Poly1305Aead(key);
  }
}
