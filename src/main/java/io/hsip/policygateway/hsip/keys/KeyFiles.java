package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Ed25519;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Reads and writes Ed25519 signing keys in the reference's JSON key files and in PKCS#8 PEM.
 *
 * <p>Reading is strict: every malformed file gets its own exact message, and a file that states a
 * public key must state the one its secret derives. Writing creates the file with owner-only
 * permissions from the start (the reference applies {@code 0600} after writing,
 * docs/protocol.md#key-file-permissions) and never overwrites unless asked.
 */
public final class KeyFiles {

  /** Larger files are not key files; refuse before reading them into memory. */
  public static final int MAX_FILE_BYTES = 16 * 1024;

  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";
  private static final String AUTH_NOTE = "HSIP auth identity (device-local). KEEP PRIVATE.";
  private static final String EXPORT_NOTE = "HSIP identity export (plaintext). KEEP PRIVATE.";

  /** id-Ed25519 (RFC 8410). */
  private static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /** Reads a key file of any supported format (detected from its content). */
  public static SigningKey read(Path path) throws KeyFileException {
    return parse(readBounded(path));
  }

  /** Parses key-file content of any supported format. */
  public static SigningKey parse(byte[] content) throws KeyFileException {
    String text = new String(content, StandardCharsets.UTF_8).strip();
    if (text.startsWith("-----BEGIN")) {
      return parsePem(text);
    }
    if (text.startsWith("{")) {
      return parseJson(content);
    }
    throw new KeyFileException(
        "unrecognised key file: expected PKCS#8 PEM or an HSIP JSON key file");
  }

  /** Detects the format of key-file content without validating the key itself. */
  public static KeyFileFormat detect(byte[] content) throws KeyFileException {
    String text = new String(content, StandardCharsets.UTF_8).strip();
    if (text.startsWith("-----BEGIN")) {
      return KeyFileFormat.PKCS8_PEM;
    }
    if (text.startsWith("{")) {
      JsonObject<KeyFileException> json = StrictJson.parseObject(content, KeyFileException::new);
      return jsonFormat(json);
    }
    throw new KeyFileException(
        "unrecognised key file: expected PKCS#8 PEM or an HSIP JSON key file");
  }

  /** Parses a PKCS#8 PEM Ed25519 private key (RFC 8410), optionally carrying its public key. */
  public static SigningKey parsePem(String pem) throws KeyFileException {
    String text = pem.strip();
    if (!text.startsWith(PEM_BEGIN)) {
      throw new KeyFileException("PEM must start with " + PEM_BEGIN);
    }
    if (!text.endsWith(PEM_END) || text.length() < PEM_BEGIN.length() + PEM_END.length()) {
      throw new KeyFileException("PEM must end with " + PEM_END);
    }
    String body = text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length());
    if (body.contains("-----")) {
      throw new KeyFileException("PEM must contain exactly one PRIVATE KEY block");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.replaceAll("[\\r\\n]", ""));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("PEM body is not valid Base64");
    }
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      // An empty body parses to null; BER (indefinite or long-form lengths) re-encodes differently.
      if (info == null
          || !java.security.MessageDigest.isEqual(info.getEncoded(ASN1Encoding.DER), der)) {
        throw new KeyFileException("PEM body is not a DER PKCS#8 PrivateKeyInfo");
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new KeyFileException("PEM body is not a DER PKCS#8 PrivateKeyInfo");
    }
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    if (!ED25519_OID.equals(algorithm.getAlgorithm())) {
      throw new KeyFileException(
          "PKCS#8 key algorithm is "
              + algorithm.getAlgorithm().getId()
              + ", not Ed25519 (1.3.101.112)");
    }
    if (algorithm.getParameters() != null) {
      throw new KeyFileException("PKCS#8 Ed25519 algorithm must not have parameters");
    }
    byte[] seed;
    try {
      // RFC 8410: privateKey holds the DER of CurvePrivateKey ::= OCTET STRING; empty content
      // parses to null.
      ASN1OctetString inner = ASN1OctetString.getInstance(info.parsePrivateKey());
      if (inner == null
          || !java.security.MessageDigest.isEqual(
              inner.getEncoded(ASN1Encoding.DER), info.getPrivateKey().getOctets())) {
        throw new KeyFileException("PKCS#8 private key is not a DER OCTET STRING");
      }
      seed = inner.getOctets();
    } catch (IOException | IllegalArgumentException e) {
      throw new KeyFileException("PKCS#8 private key is not a DER OCTET STRING");
    }
    if (seed.length != Ed25519.SEED_LENGTH) {
      throw new KeyFileException("PKCS#8 Ed25519 private key must be 32 bytes, got " + seed.length);
    }
    SigningKey key = SigningKey.fromSeed(seed);
    ASN1BitString stated = info.getPublicKeyData();
    // getOctets() throws on a BIT STRING with unused bits; no such value can be a 32-byte key
    // anyway.
    if (stated != null
        && (stated.getPadBits() != 0
            || !java.security.MessageDigest.isEqual(
                stated.getOctets(), key.publicKey().toBytes()))) {
      throw new KeyFileException("PKCS#8 public key does not match the private key");
    }
    return key;
  }

  /**
   * Encodes a key as PKCS#8 PEM (RFC 8410 v1, without the optional public key, as OpenSSL writes
   * it).
   */
  public static String toPem(SigningKey key) {
    try {
      PrivateKeyInfo info =
          new PrivateKeyInfo(
              new AlgorithmIdentifier(ED25519_OID), new DEROctetString(key.exportSeed()));
      String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(info.getEncoded());
      return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
    } catch (IOException e) {
      // DER-encoding an in-memory structure performs no I/O.
      throw new IllegalStateException("cannot DER-encode a PKCS#8 key", e);
    }
  }

  /**
   * The hsip-core {@code keystore.json} body (serde pretty, struct order {@code pub_hex,
   * priv_hex}).
   */
  public static String toCoreKeystoreJson(SigningKey key) {
    return SerdeJsonWriter.pretty()
        .beginObject()
        .field("pub_hex", key.publicKey().hex())
        .field("priv_hex", LowerHex.encode(key.exportSeed()))
        .endObject()
        .toString();
  }

  /** The hsip-auth {@code id_auth.json} body ({@code json!} map: keys sorted). */
  public static String toAuthIdJson(SigningKey key) {
    return SerdeJsonWriter.pretty()
        .beginObject()
        .field("note", AUTH_NOTE)
        .field("sk_hex", LowerHex.encode(key.exportSeed()))
        .field("version", 1)
        .field("vk_hex", key.publicKey().hex())
        .endObject()
        .toString();
  }

  /** The {@code key-export} {@code id.json} body ({@code json!} map: keys sorted). */
  public static String toExportIdJson(SigningKey key) {
    return SerdeJsonWriter.pretty()
        .beginObject()
        .field("note", EXPORT_NOTE)
        .field("peer_id", key.peerId().value())
        .field("sk_hex", LowerHex.encode(key.exportSeed()))
        .field("version", 1)
        .field("vk_hex", key.publicKey().hex())
        .endObject()
        .toString();
  }

  /** Encodes a key in the given format. */
  public static String encode(SigningKey key, KeyFileFormat format) {
    return switch (format) {
      case PKCS8_PEM -> toPem(key);
      case CORE_KEYSTORE -> toCoreKeystoreJson(key);
      case AUTH_ID -> toAuthIdJson(key);
      case EXPORT_ID -> toExportIdJson(key);
    };
  }

  /**
   * Writes secret key material to a new file readable by its owner only; the permissions are set
   * when the file is created, so the secret is never on disk with wider ones.
   *
   * @param overwrite whether an existing file may be replaced
   */
  public static void writeSecret(Path path, String content, boolean overwrite) throws IOException {
    Path target = path.toAbsolutePath();
    if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "refusing to overwrite a key file");
    }
    Path dir = target.getParent();
    Files.createDirectories(dir);
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    List<FileAttribute<?>> attributes =
        posix ? List.of(PosixFilePermissions.asFileAttribute(OWNER_ONLY)) : List.of();
    Path temp =
        Files.createTempFile(
            dir,
            "." + target.getFileName() + ".",
            ".tmp",
            attributes.toArray(FileAttribute<?>[]::new));
    try {
      Files.writeString(
          temp, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      try {
        if (overwrite) {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          // A hard link fails if the target appeared meanwhile, so no race can replace a key.
          Files.createLink(target, temp);
        }
      } catch (AtomicMoveNotSupportedException | UnsupportedOperationException e) {
        // No atomic move or hard links here: a plain move, which still never replaces unless asked.
        if (overwrite) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.move(temp, target);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Reads a secret file (a key mounted from a Kubernetes Secret, or generated for development),
   * bounded by {@link #MAX_FILE_BYTES}. The messages name the file only as {@code what} (e.g.
   * "signing key file"), never by its path: they end up in readiness output.
   */
  public static byte[] readSecretFile(Path path, String what) throws KeyFileException {
    if (!Files.isRegularFile(path)) {
      throw new KeyFileException(what + " does not exist or is not a file");
    }
    // Read at most one byte past the limit: the size says nothing about a file that grows
    // meanwhile.
    try (InputStream in = Files.newInputStream(path)) {
      byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
      if (content.length > MAX_FILE_BYTES) {
        throw new KeyFileException(what + " is too large to be a key");
      }
      return content;
    } catch (IOException e) {
      throw new KeyFileException("cannot read " + what + ": " + ioReason(e));
    }
  }

  /**
   * Whether a secret file is accessible to its group or to others (it should be 0400 or 0600);
   * false where the file system has no POSIX permissions.
   */
  public static boolean isAccessibleToOthers(Path path) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      return perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_READ)
          || perms.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  /** A short, stable reason for an I/O failure on a key file, for readiness and the log. */
  public static String ioReason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "file already exists";
    }
    return "I/O error";
  }

  private static SigningKey parseJson(byte[] content) throws KeyFileException {
    JsonObject<KeyFileException> json = StrictJson.parseObject(content, KeyFileException::new);
    return switch (jsonFormat(json)) {
      case CORE_KEYSTORE -> fromHexPair(json, "priv_hex", "pub_hex");
      case AUTH_ID, EXPORT_ID -> {
        SigningKey key = fromHexPair(json, "sk_hex", "vk_hex");
        if (json.has("peer_id") && !json.string("peer_id").equals(key.peerId().value())) {
          throw new KeyFileException("peer_id does not match the key");
        }
        yield key;
      }
      case PKCS8_PEM -> throw new IllegalStateException("JSON cannot be PEM");
    };
  }

  private static KeyFileFormat jsonFormat(JsonObject<KeyFileException> json)
      throws KeyFileException {
    if (json.has("priv_hex")) {
      return KeyFileFormat.CORE_KEYSTORE;
    }
    if (json.has("sk_hex")) {
      return json.has("peer_id") ? KeyFileFormat.EXPORT_ID : KeyFileFormat.AUTH_ID;
    }
    if (json.has("ciphertext_b64")) {
      throw new KeyFileException(
          "encrypted key exports (id.enc.json) are not supported; decrypt with the reference CLI first");
    }
    throw new KeyFileException("JSON key file has neither `priv_hex` nor `sk_hex`");
  }

  private static SigningKey fromHexPair(
      JsonObject<KeyFileException> json, String secretField, String publicField)
      throws KeyFileException {
    String secretHex = json.string(secretField);
    // hsip-auth reads the first 32 bytes of sk_hex, so a 64-byte (seed || public) value is accepted
    // too; its second half is a stated public key and must be the right one.
    byte[] secret = LowerHex.decode(secretHex, 32);
    byte[] keypair = secret == null ? LowerHex.decode(secretHex, 64) : null;
    if (secret == null && keypair == null) {
      throw new KeyFileException(
          "`" + secretField + "` must be 64 or 128 lowercase hex characters");
    }
    SigningKey key =
        SigningKey.fromSeed(secret != null ? secret : java.util.Arrays.copyOf(keypair, 32));
    if (keypair != null
        && !java.security.MessageDigest.isEqual(
            java.util.Arrays.copyOfRange(keypair, 32, 64), key.publicKey().toBytes())) {
      throw new KeyFileException(
          "the last 32 bytes of `" + secretField + "` are not the public key of its first 32");
    }
    if (json.has(publicField)) {
      String stated = json.string(publicField);
      if (!stated.equals(key.publicKey().hex())) {
        throw new KeyFileException(
            "`" + publicField + "` does not match the public key of `" + secretField + "`");
      }
    }
    return key;
  }

  private static byte[] readBounded(Path path) throws KeyFileException {
    // Read at most one byte past the limit: Files.size says nothing about a file that grows
    // meanwhile, a FIFO or a device such as /dev/zero, and readAllBytes would then read without
    // bound.
    try (InputStream in = Files.newInputStream(path)) {
      byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
      if (content.length > MAX_FILE_BYTES) {
        throw new KeyFileException(
            "key file " + path + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return content;
    } catch (NoSuchFileException e) {
      throw new KeyFileException("key file " + path + " does not exist");
    } catch (IOException e) {
      throw new KeyFileException(
          "cannot read key file " + path + ": " + e.getClass().getSimpleName());
    }
  }
}
