package io.hsip.policygateway.hsip.session;

import io.hsip.policygateway.hsip.crypto.Aead;
import io.hsip.policygateway.hsip.crypto.Aeads;
import io.hsip.policygateway.hsip.crypto.Hkdf;
import io.hsip.policygateway.hsip.crypto.Labels;
import java.nio.charset.StandardCharsets;

/**
 * The symmetric key of one session: {@code HKDF-SHA256(salt none, IKM = X25519 shared secret, info
 * "CONSENTv1", 32)}. The reference uses it in both directions; directions differ only by nonce
 * prefix.
 */
public final class SessionKey {

  private final Aead aead;

  private SessionKey(byte[] key) {
    this.aead = Aeads.chaCha20Poly1305(key);
  }

  /** Derives the session key from an X25519 shared secret. */
  static SessionKey derive(byte[] sharedSecret) {
    byte[] key =
        Hkdf.sha256(
            null, sharedSecret, Labels.SESSION_KDF_INFO.getBytes(StandardCharsets.US_ASCII), 32);
    return new SessionKey(key);
  }

  Aead aead() {
    return aead;
  }

  @Override
  public String toString() {
    return "SessionKey[redacted]";
  }
}
