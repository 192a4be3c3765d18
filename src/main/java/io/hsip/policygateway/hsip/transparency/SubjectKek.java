package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Hkdf;
import io.hsip.policygateway.hsip.crypto.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-encryption key (KEK) that wraps every {@link SubjectKey} before it is stored: the
 * database then holds only ciphertext, so its content, its WAL and its backups cannot link a
 * pseudonym to a PeerID without this key, which the application reads from a file (a Kubernetes
 * Secret) and never stores.
 *
 * <p>Security guarantees: a subject key is wrapped with AES-256-GCM under a key derived from the
 * KEK by HKDF-SHA256 ({@link Labels#AUDIT_SUBJECT_KEK_WRAP}), with a random 96-bit nonce; the
 * associated data binds the key row's lookup reference and the KEK's {@linkplain #id() id}, so a
 * wrapped key copied to another row, or opened with another KEK, fails authentication instead of
 * yielding a wrong key. The id is a 64-bit HKDF output ({@link Labels#AUDIT_SUBJECT_KEK_ID}): it
 * names the KEK without revealing it. Random nonces are safe for far more than the number of
 * subjects a gateway sees (the GCM limit is 2^32 wraps per KEK). Key material never appears in
 * {@link #toString()} or in an exception message.
 */
public final class SubjectKek {

  /** KEK length in bytes. */
  public static final int LENGTH = 32;

  /** Length of a wrapped subject key: nonce, encrypted key, tag. */
  public static final int WRAPPED_LENGTH = 12 + SubjectKey.LENGTH + 16;

  private static final int NONCE_LENGTH = 12;
  private static final int TAG_BITS = 128;

  private final byte[] wrapKey;
  private final String id;

  private SubjectKek(byte[] kek) {
    if (kek.length != LENGTH) {
      throw new IllegalArgumentException("a subject key-encryption key must be 32 bytes");
    }
    this.wrapKey =
        Hkdf.sha256(null, kek, Labels.AUDIT_SUBJECT_KEK_WRAP.getBytes(StandardCharsets.UTF_8), 32);
    this.id =
        "kek-"
            + LowerHex.encode(
                Hkdf.sha256(
                    null, kek, Labels.AUDIT_SUBJECT_KEK_ID.getBytes(StandardCharsets.UTF_8), 8));
  }

  /** A KEK from its 32 bytes. */
  public static SubjectKek fromBytes(byte[] kek) {
    return new SubjectKek(kek.clone());
  }

  /** A fresh random KEK and its file content ({@link #fileContent}). */
  public static Generated generate(SecureRandom random) {
    byte[] kek = new byte[LENGTH];
    random.nextBytes(kek);
    try {
      return new Generated(new SubjectKek(kek), fileContent(kek));
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** A generated KEK with the text to store in its file. */
  public record Generated(SubjectKek kek, String fileContent) {
    @Override
    public String toString() {
      return "Generated[" + kek.id() + "]";
    }
  }

  /**
   * The content of a KEK file: the 32 bytes in standard Base64 and a newline, as {@code openssl
   * rand -base64 32} prints them.
   */
  public static String fileContent(byte[] kek) {
    return Base64.getEncoder().encodeToString(kek) + "\n";
  }

  /**
   * Parses a KEK file: 32 bytes in standard Base64, surrounding whitespace ignored.
   *
   * @throws IllegalArgumentException with a message that never quotes the content
   */
  public static SubjectKek parse(byte[] content) {
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    byte[] kek;
    try {
      kek = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the subject key-encryption key file is not Base64 (expected 32 random bytes in Base64)");
    }
    try {
      if (kek.length != LENGTH) {
        throw new IllegalArgumentException(
            "the subject key-encryption key file must hold exactly 32 bytes in Base64, not "
                + kek.length);
      }
      return new SubjectKek(kek);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** The KEK's public name, {@code kek-} and 16 hex digits, stored next to each wrapped key. */
  public String id() {
    return id;
  }

  /** Wraps {@code key}, the key of the row whose lookup reference is {@code subjectRef}. */
  public byte[] wrap(byte[] subjectRef, SubjectKey key, SecureRandom random) {
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(nonce);
    byte[] plain = key.toBytes();
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(aad(subjectRef, id));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_LENGTH + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      System.arraycopy(sealed, 0, out, NONCE_LENGTH, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Unwraps the key stored for {@code subjectRef} under the KEK named {@code kekId}.
   *
   * @throws UnwrapException if it was wrapped under another KEK, or does not authenticate (altered,
   *     moved from another row, or a different KEK with a colliding id)
   */
  public SubjectKey unwrap(byte[] subjectRef, String kekId, byte[] wrapped) {
    if (!id.equals(kekId)) {
      throw new UnwrapException(
          "the subject key was wrapped under key-encryption key "
              + kekId
              + ", but the loaded key-encryption key is "
              + id);
    }
    if (wrapped.length != WRAPPED_LENGTH) {
      throw new UnwrapException("a wrapped subject key must be " + WRAPPED_LENGTH + " bytes");
    }
    byte[] plain = null;
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(wrapped, NONCE_LENGTH));
      cipher.updateAAD(aad(subjectRef, kekId));
      plain = cipher.doFinal(wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH);
      return SubjectKey.fromBytes(plain);
    } catch (AEADBadTagException e) {
      throw new UnwrapException(
          "the wrapped subject key does not authenticate under key-encryption key " + id);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    } finally {
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(wrapKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  /** {@code label || 0x00 || kekId || 0x00 || subjectRef}: both variable parts are bound. */
  private static byte[] aad(byte[] subjectRef, String kekId) {
    ByteArrayOutputStream aad = new ByteArrayOutputStream();
    aad.writeBytes(Labels.AUDIT_SUBJECT_KEY_WRAP_AAD.getBytes(StandardCharsets.US_ASCII));
    aad.write(0);
    aad.writeBytes(kekId.getBytes(StandardCharsets.UTF_8));
    aad.write(0);
    aad.writeBytes(subjectRef);
    return aad.toByteArray();
  }

  @Override
  public String toString() {
    return "SubjectKek[" + id + "]";
  }

  /** A wrapped subject key could not be opened with this KEK. */
  public static final class UnwrapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnwrapException(String message) {
      super(message);
    }
  }
}
