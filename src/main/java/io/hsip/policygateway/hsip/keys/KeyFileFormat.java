package io.hsip.policygateway.hsip.keys;

/** The Ed25519 key-file formats the gateway reads and writes (docs/protocol.md#key-files). */
public enum KeyFileFormat {
  /**
   * PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), the gateway's own format; OpenSSL-compatible.
   */
  PKCS8_PEM,
  /** hsip-core {@code keystore.json}: {@code {"pub_hex","priv_hex"}}, used by the reference CLI. */
  CORE_KEYSTORE,
  /** hsip-auth {@code ~/.hsip/id_auth.json}: {@code {"note","sk_hex","version","vk_hex"}}. */
  AUTH_ID,
  /** {@code hsip-cli key-export} {@code ~/.hsip/id.json}: adds {@code peer_id}. */
  EXPORT_ID
}
