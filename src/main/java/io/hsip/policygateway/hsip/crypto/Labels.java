package io.hsip.policygateway.hsip.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Every domain-separation label HSIP uses, in one place (mirrors {@code
 * hsip-core/src/crypto/labels.rs}).
 *
 * <p>The reference signs several kinds of message with one Ed25519 key; these prefixes are what
 * keeps a signature for one kind from being valid for another (see
 * docs/protocol.md#signatures-without-domain-separation).
 */
public final class Labels {

  /** HKDF {@code info} for the CLI-dialect session key (docs/protocol.md#session-key). */
  public static final String SESSION_KDF_INFO = "CONSENTv1";

  /**
   * Prefix of the signed canonical string of a consent request (docs/protocol.md#signed-strings).
   */
  public static final String CONSENT_REQUEST = "CONSENT_REQUEST";

  /**
   * Prefix of the signed canonical string of a consent response (docs/protocol.md#signed-strings).
   */
  public static final String CONSENT_RESPONSE = "CONSENT_RESPONSE";

  /**
   * Prefix of the signed string of a JSON HELLO, and its {@code type} field
   * (docs/protocol.md#json-hello).
   */
  public static final String HELLO = "HELLO";

  /** AAD of a sealed CONTROL frame (consent request/response). */
  public static final String AAD_CONTROL = "type=CONTROL";

  /** AAD of a sealed DATA frame. */
  public static final String AAD_DATA = "type=DATA";

  /** AAD of a sealed PING frame. */
  public static final String AAD_PING = "type=PING";

  /** AAD of a session-resumption ticket (library only in the reference). */
  public static final String TICKET_AAD = "HSIP-TICKET-V1";

  /** Core AAD label names (docs/protocol.md#core-aad-labels). */
  public static final String CORE_HELLO = "HELLO";

  /** Core AAD label for the first handshake message. */
  public static final String CORE_CONSENT_E1 = "CONSENT_E1";

  /** Core AAD label for the second handshake message (used by the broken net dialect). */
  public static final String CORE_CONSENT_E2 = "CONSENT_E2";

  /**
   * Domain label of audit-subject pseudonyms (keyed BLAKE3); the gateway's own, not the
   * reference's.
   */
  public static final String AUDIT_PSEUDONYM = "HSIP-GW-AUDIT-PSEUDONYM-V1";

  /** Domain label of the lookup reference of an audit subject's pseudonymisation key. */
  public static final String AUDIT_SUBJECT_REFERENCE = "HSIP-GW-AUDIT-SUBJECT-REF-V1";

  /**
   * HKDF {@code info} of the audit entry MAC key, derived from the gateway's signing key: keeps the
   * MAC key independent of every other use of that key.
   */
  public static final String AUDIT_ENTRY_MAC_KEY = "HSIP-GW-AUDIT-ENTRY-MAC-KEY-V1";

  /**
   * Domain label of an audit entry MAC key's id (a digest of the public key, not of the secret).
   */
  public static final String AUDIT_ENTRY_MAC_KEY_ID = "HSIP-GW-AUDIT-ENTRY-MAC-KEY-ID-V1";

  /** HKDF info of the AES-256-GCM key that wraps audit subject keys, derived from the KEK. */
  public static final String AUDIT_SUBJECT_KEK_WRAP = "HSIP-GW-AUDIT-SUBJECT-KEK-WRAP-V1";

  /** HKDF info of the public identifier of an audit subject key-encryption key. */
  public static final String AUDIT_SUBJECT_KEK_ID = "HSIP-GW-AUDIT-SUBJECT-KEK-ID-V1";

  /** Domain label at the start of the associated data of a wrapped audit subject key. */
  public static final String AUDIT_SUBJECT_KEY_WRAP_AAD = "HSIP-GW-AUDIT-SUBJECT-KEY-WRAP-V1";

  /**
   * Domain label of a decision receipt's signature (the gateway key signs this label, a zero byte
   * and the receipt's canonical JSON), so a receipt signature is never valid as any other message
   * the gateway key signs.
   */
  public static final String DECISION_RECEIPT = "HSIP-GW-DECISION-RECEIPT-V1";

  private static final byte[] CORE_MAGIC = "HSIP".getBytes(StandardCharsets.US_ASCII);
  private static final String CORE_AEAD_NAME = "CHACHA20-POLY1305";
  private static final int CORE_AEAD_FIELD = 18;
  private static final int CORE_LABEL_FIELD = 12;

  /** Length of a core AAD block: magic(4) + version(2) + AEAD name(18) + label(12). */
  public static final int CORE_AAD_LENGTH = 36;

  private Labels() {}

  /**
   * The reference's 36-byte AAD block {@code aad_for(label)}: {@code "HSIP" || 0x02 0x00 (u16 LE)
   * || "CHACHA20-POLY1305" zero-padded to 18 || label zero-padded to 12}.
   *
   * @throws IllegalArgumentException if the label is longer than 12 ASCII bytes
   */
  public static byte[] coreAad(String label) {
    byte[] name = label.getBytes(StandardCharsets.US_ASCII);
    if (name.length > CORE_LABEL_FIELD) {
      throw new IllegalArgumentException("core AAD label longer than 12 bytes: " + label);
    }
    byte[] out = new byte[CORE_AAD_LENGTH];
    System.arraycopy(CORE_MAGIC, 0, out, 0, 4);
    out[4] = 0x02;
    out[5] = 0x00;
    byte[] aead = CORE_AEAD_NAME.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(aead, 0, out, 6, aead.length);
    System.arraycopy(name, 0, out, 6 + CORE_AEAD_FIELD, name.length);
    return out;
  }
}
