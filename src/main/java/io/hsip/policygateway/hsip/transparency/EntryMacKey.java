package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Digests;
import io.hsip.policygateway.hsip.crypto.Labels;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The key that authenticates audit log entries at append time, so that the integrator signs only
 * entries the gateway itself wrote: HMAC-SHA256 (RFC 2104) under a key derived with HKDF-SHA256
 * from the gateway's Ed25519 signing key and the label {@link Labels#AUDIT_ENTRY_MAC_KEY}. The key
 * so lives only where the signing key lives (its file), never in the database.
 *
 * <p>Security guarantees: the MAC key is independent of the signing key's other uses (domain
 * separation by the HKDF label) and never appears in {@link #toString()}; {@link #verify} compares
 * in constant time. The {@link #keyId()} is a digest of the <em>public</em> key, so it names the
 * signing key a MAC was made with (for key rotation) without revealing anything secret. Immutable
 * and thread-safe.
 */
public final class EntryMacKey {

  /** MAC length in bytes. */
  public static final int MAC_LENGTH = 32;

  /** Key id length in hex characters (8 bytes). */
  public static final int KEY_ID_LENGTH = 16;

  /** Initialised once; each MAC works on a clone (cheaper than a provider look-up per entry). */
  private final Mac prototype;

  private final String keyId;

  private EntryMacKey(byte[] key, String keyId) {
    this.prototype = Digests.newHmacSha256(key);
    Arrays.fill(key, (byte) 0);
    this.keyId = keyId;
  }

  /** The entry MAC key of the gateway whose signing key is {@code signingKey}. */
  public static EntryMacKey derive(SigningKey signingKey) {
    byte[] key = signingKey.deriveSecret(Labels.AUDIT_ENTRY_MAC_KEY, 32);
    byte[] id =
        Digests.sha256(
            Labels.AUDIT_ENTRY_MAC_KEY_ID.getBytes(StandardCharsets.UTF_8),
            signingKey.publicKey().toBytes());
    return new EntryMacKey(key, LowerHex.encode(Arrays.copyOf(id, KEY_ID_LENGTH / 2)));
  }

  /** The key's id: 16 lowercase hex characters, derived from the public key. */
  public String keyId() {
    return keyId;
  }

  /** The MAC of {@code message}. */
  public byte[] mac(byte[] message) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // The JDK's HMAC is cloneable; a provider whose HMAC is not would still be correct this way.
      throw new IllegalStateException("HMAC-SHA256 cannot be cloned", e);
    }
    return mac.doFinal(message);
  }

  /** Whether {@code mac} is the MAC of {@code message}, compared in constant time. */
  public boolean verify(byte[] message, byte[] mac) {
    return mac.length == MAC_LENGTH && Digests.constantTimeEquals(mac(message), mac);
  }

  @Override
  public String toString() {
    return "EntryMacKey[" + keyId + ", redacted]";
  }
}
