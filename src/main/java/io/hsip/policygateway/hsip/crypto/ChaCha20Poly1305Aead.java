package io.hsip.policygateway.hsip.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 over BouncyCastle's lightweight engine; a fresh engine per call keeps it
 * thread-safe.
 */
final class ChaCha20Poly1305Aead implements Aead {

  private final KeyParameter key;

  ChaCha20Poly1305Aead(byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
    }
    this.key = new KeyParameter(key.clone());
  }

  @Override
  public byte[] seal(byte[] nonce, byte[] plaintext, byte[] associatedData) {
    ChaCha20Poly1305 cipher = init(true, nonce, associatedData);
    byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
    int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      cipher.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      // Encryption never checks a tag; this cannot happen.
      throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
    }
    return out;
  }

  @Override
  public byte[] open(byte[] nonce, byte[] ciphertextAndTag, byte[] associatedData)
      throws AeadException {
    if (ciphertextAndTag.length < TAG_LENGTH) {
      throw new AeadException();
    }
    ChaCha20Poly1305 cipher = init(false, nonce, associatedData);
    byte[] out = new byte[cipher.getOutputSize(ciphertextAndTag.length)];
    int n = cipher.processBytes(ciphertextAndTag, 0, ciphertextAndTag.length, out, 0);
    try {
      cipher.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new AeadException();
    }
    return out;
  }

  private ChaCha20Poly1305 init(boolean encrypt, byte[] nonce, byte[] associatedData) {
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("ChaCha20-Poly1305 nonce must be 12 bytes");
    }
    ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    cipher.init(encrypt, new AEADParameters(key, TAG_LENGTH * 8, nonce, associatedData));
    return cipher;
  }
}
