package io.hsip.policygateway.hsip.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hsip.policygateway.hsip.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strict reading of Ed25519 key files (docs/protocol.md#key-files): PKCS#8 PEM (RFC 8410),
 * hsip-core {@code keystore.json}, hsip-auth {@code id_auth.json} and {@code key-export} {@code
 * id.json}. One fixture per rule of {@link KeyFiles#read}; every valid fixture holds the
 * requester's key (seed {@code 01..20}). Fixtures: {@code hsip/fixtures/key_file/}. Also the
 * owner-only, no-overwrite behaviour of {@link KeyFiles#writeSecret}.
 */
class KeyFilesTest {

  private static final String FORMAT = "key_file";

  @TempDir Path temp;

  private static SigningKey read(String name) throws KeyFileException {
    return KeyFiles.read(Fixtures.path(FORMAT, name));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertReadFails(String name) {
    return assertThatThrownBy(() -> read(name)).isExactlyInstanceOf(KeyFileException.class);
  }

  private static void assertRequester(SigningKey key) {
    assertThat(key.publicKey()).isEqualTo(Fixtures.REQUESTER.publicKey());
    assertThat(key.exportSeed()).isEqualTo(Fixtures.REQUESTER.exportSeed());
  }

  private static void assumePosix() {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX file system");
  }

  // --- valid files ---

  @Test
  void from_validPkcs8() throws Exception {
    assertRequester(read("valid_pkcs8.pem"));
    assertThat(KeyFiles.toPem(Fixtures.REQUESTER))
        .isEqualTo(Fixtures.text(FORMAT, "valid_pkcs8.pem"));
    assertThat(KeyFiles.detect(Fixtures.bytes(FORMAT, "valid_pkcs8.pem")))
        .isEqualTo(KeyFileFormat.PKCS8_PEM);
  }

  @Test
  void from_validPkcs8V2WithPublicKey() throws Exception {
    assertRequester(read("valid_pkcs8_v2_with_public_key.pem"));
  }

  @Test
  void from_validKeystore() throws Exception {
    assertRequester(read("valid_keystore.json"));
    assertThat(KeyFiles.toCoreKeystoreJson(Fixtures.REQUESTER))
        .isEqualTo(Fixtures.text(FORMAT, "valid_keystore.json"));
    assertThat(KeyFiles.detect(Fixtures.bytes(FORMAT, "valid_keystore.json")))
        .isEqualTo(KeyFileFormat.CORE_KEYSTORE);
  }

  @Test
  void from_validIdAuth() throws Exception {
    assertRequester(read("valid_id_auth.json"));
    assertThat(KeyFiles.toAuthIdJson(Fixtures.REQUESTER))
        .isEqualTo(Fixtures.text(FORMAT, "valid_id_auth.json"));
    assertThat(KeyFiles.detect(Fixtures.bytes(FORMAT, "valid_id_auth.json")))
        .isEqualTo(KeyFileFormat.AUTH_ID);
  }

  @Test
  void from_validIdAuth128HexSk() throws Exception {
    assertRequester(read("valid_id_auth_128_hex_sk.json"));
  }

  @Test
  void from_validId() throws Exception {
    assertRequester(read("valid_id.json"));
    assertThat(KeyFiles.toExportIdJson(Fixtures.REQUESTER))
        .isEqualTo(Fixtures.text(FORMAT, "valid_id.json"));
    assertThat(KeyFiles.detect(Fixtures.bytes(FORMAT, "valid_id.json")))
        .isEqualTo(KeyFileFormat.EXPORT_ID);
  }

  // --- files ---

  @Test
  void from_missingFile() {
    Path missing = temp.resolve("id_auth.json");
    assertThatThrownBy(() -> KeyFiles.read(missing))
        .isExactlyInstanceOf(KeyFileException.class)
        .hasMessage("key file " + missing + " does not exist");
  }

  @Test
  void from_oversize() throws Exception {
    Path path = Fixtures.path(FORMAT, "error_oversize.pem");
    assertThat(Files.size(path)).isEqualTo(KeyFiles.MAX_FILE_BYTES + 1);
    assertThatThrownBy(() -> KeyFiles.read(path))
        .isExactlyInstanceOf(KeyFileException.class)
        .hasMessage("key file " + path + " is larger than 16384 bytes");
  }

  @Test
  void from_unreadableFile() {
    assertThatThrownBy(() -> KeyFiles.read(temp))
        .isExactlyInstanceOf(KeyFileException.class)
        .hasMessage("cannot read key file " + temp + ": IOException");
  }

  @Test
  void from_unrecognisedFormat() {
    assertReadFails("error_unrecognised_format.txt")
        .hasMessage("unrecognised key file: expected PKCS#8 PEM or an HSIP JSON key file");
    assertThatThrownBy(
            () -> KeyFiles.detect(Fixtures.bytes(FORMAT, "error_unrecognised_format.txt")))
        .isExactlyInstanceOf(KeyFileException.class)
        .hasMessage("unrecognised key file: expected PKCS#8 PEM or an HSIP JSON key file");
  }

  // --- PEM ---

  @Test
  void from_wrongLabel() {
    assertReadFails("error_wrong_label.pem")
        .hasMessage("PEM must start with -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void from_wrongEndLabel() {
    assertReadFails("error_wrong_end_label.pem")
        .hasMessage("PEM must end with -----END PRIVATE KEY-----");
  }

  @Test
  void from_twoBlocks() {
    assertReadFails("error_two_blocks.pem")
        .hasMessage("PEM must contain exactly one PRIVATE KEY block");
  }

  @Test
  void from_badBase64() {
    assertReadFails("error_bad_base64.pem").hasMessage("PEM body is not valid Base64");
  }

  @Test
  void from_emptyBody() {
    assertReadFails("error_empty_body.pem")
        .hasMessage("PEM body is not a DER PKCS#8 PrivateKeyInfo");
  }

  @Test
  void from_notDer() {
    assertReadFails("error_not_der.pem").hasMessage("PEM body is not a DER PKCS#8 PrivateKeyInfo");
  }

  @Test
  void from_berLongFormLength() {
    assertReadFails("error_ber_long_form_length.pem")
        .hasMessage("PEM body is not a DER PKCS#8 PrivateKeyInfo");
  }

  @Test
  void from_trailingDataAfterDer() {
    assertReadFails("error_trailing_data_after_der.pem")
        .hasMessage("PEM body is not a DER PKCS#8 PrivateKeyInfo");
  }

  @Test
  void from_v1WithPublicKey() {
    assertReadFails("error_v1_with_public_key.pem")
        .hasMessage("PEM body is not a DER PKCS#8 PrivateKeyInfo");
  }

  @Test
  void from_x25519Oid() {
    assertReadFails("error_x25519_oid.pem")
        .hasMessage("PKCS#8 key algorithm is 1.3.101.110, not Ed25519 (1.3.101.112)");
  }

  @Test
  void from_parametersPresent() {
    assertReadFails("error_parameters_present.pem")
        .hasMessage("PKCS#8 Ed25519 algorithm must not have parameters");
  }

  @Test
  void from_privateKeyNotOctetString() {
    assertReadFails("error_private_key_not_octet_string.pem")
        .hasMessage("PKCS#8 private key is not a DER OCTET STRING");
  }

  @Test
  void from_privateKeyEmpty() {
    assertReadFails("error_private_key_empty.pem")
        .hasMessage("PKCS#8 private key is not a DER OCTET STRING");
  }

  @Test
  void from_privateKeyBerLength() {
    assertReadFails("error_private_key_ber_length.pem")
        .hasMessage("PKCS#8 private key is not a DER OCTET STRING");
  }

  @Test
  void from_31ByteKey() {
    assertReadFails("error_31_byte_key.pem")
        .hasMessage("PKCS#8 Ed25519 private key must be 32 bytes, got 31");
  }

  @Test
  void from_publicKeyMismatch() {
    assertReadFails("error_public_key_mismatch.pem")
        .hasMessage("PKCS#8 public key does not match the private key");
  }

  @Test
  void from_publicKeyUnusedBits() {
    assertReadFails("error_public_key_unused_bits.pem")
        .hasMessage("PKCS#8 public key does not match the private key");
  }

  // --- JSON ---

  @Test
  void from_malformedJson() {
    assertReadFails("error_malformed_json.json").hasMessage("malformed JSON at line 2, column 13");
  }

  @Test
  void from_noSecret() {
    assertReadFails("error_no_secret.json")
        .hasMessage("JSON key file has neither `priv_hex` nor `sk_hex`");
  }

  @Test
  void from_encryptedExport() {
    assertReadFails("error_encrypted_export.json")
        .hasMessage(
            "encrypted key exports (id.enc.json) are not supported; decrypt with the reference CLI first");
  }

  @Test
  void from_keystorePubMismatch() {
    assertReadFails("error_keystore_pub_mismatch.json")
        .hasMessage("`pub_hex` does not match the public key of `priv_hex`");
  }

  @Test
  void from_keystorePrivUppercase() {
    assertReadFails("error_keystore_priv_uppercase.json")
        .hasMessage("`priv_hex` must be 64 or 128 lowercase hex characters");
  }

  @Test
  void from_idAuthVkMismatch() {
    assertReadFails("error_id_auth_vk_mismatch.json")
        .hasMessage("`vk_hex` does not match the public key of `sk_hex`");
  }

  @Test
  void from_idAuthSkWrongLength() {
    assertReadFails("error_id_auth_sk_wrong_length.json")
        .hasMessage("`sk_hex` must be 64 or 128 lowercase hex characters");
  }

  @Test
  void from_idAuthSkNotString() {
    assertReadFails("error_id_auth_sk_not_string.json")
        .hasMessage("field `sk_hex` must be a string");
  }

  @Test
  void from_idAuth128HexSkMismatch() {
    assertReadFails("error_id_auth_128_hex_sk_mismatch.json")
        .hasMessage("the last 32 bytes of `sk_hex` are not the public key of its first 32");
  }

  @Test
  void from_idPeerIdMismatch() {
    assertReadFails("error_id_peer_id_mismatch.json").hasMessage("peer_id does not match the key");
  }

  // --- writing ---

  @Test
  void writeSecret_createsOwnerOnlyFile() throws Exception {
    assumePosix();
    Path file = temp.resolve("keys").resolve("gateway.pem");

    KeyFiles.writeSecret(file, KeyFiles.toPem(Fixtures.REQUESTER), false);

    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .isEqualTo(Fixtures.text(FORMAT, "valid_pkcs8.pem"));
    assertRequester(KeyFiles.read(file));
    try (Stream<Path> entries = Files.list(file.getParent())) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void writeSecret_refusesToOverwrite() throws Exception {
    Path file = temp.resolve("keystore.json");
    KeyFiles.writeSecret(file, KeyFiles.toCoreKeystoreJson(Fixtures.REQUESTER), false);

    assertThatThrownBy(
            () ->
                KeyFiles.writeSecret(file, KeyFiles.toCoreKeystoreJson(Fixtures.RESPONDER), false))
        .isExactlyInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(file.toAbsolutePath() + ": refusing to overwrite a key file");
    assertRequester(KeyFiles.read(file));
    try (Stream<Path> entries = Files.list(temp)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void writeSecret_overwritesWhenAsked() throws Exception {
    assumePosix();
    Path file = temp.resolve("id_auth.json");
    KeyFiles.writeSecret(file, KeyFiles.toAuthIdJson(Fixtures.RESPONDER), false);

    KeyFiles.writeSecret(file, KeyFiles.toAuthIdJson(Fixtures.REQUESTER), true);

    assertRequester(KeyFiles.read(file));
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Stream<Path> entries = Files.list(temp)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void writeSecret_roundTripsEveryFormat() throws Exception {
    for (KeyFileFormat format : KeyFileFormat.values()) {
      Path file = temp.resolve(format.name());
      KeyFiles.writeSecret(file, KeyFiles.encode(Fixtures.REQUESTER, format), false);

      assertRequester(KeyFiles.read(file));
      assertThat(KeyFiles.detect(Files.readAllBytes(file))).isEqualTo(format);
    }
  }
}
