package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Signs and strictly parses checkpoints in the C2SP {@code tlog-checkpoint} format inside a C2SP
 * signed note, as transparency logs (Go sumdb, Trillian Tessera, Rekor v2) write them:
 *
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal&gt;
 * &lt;root hash, standard Base64&gt;
 * time &lt;Unix ms&gt;
 *
 * — &lt;origin&gt; &lt;Base64(key id (4 bytes) || Ed25519 signature (64 bytes))&gt;
 * </pre>
 *
 * <p>The signature covers the four body lines including their newlines; the key id is the first
 * four bytes of {@code SHA-256(origin || 0x0A || 0x01 || public key)} (the signed-note Ed25519 key
 * hash). The parser accepts exactly one shape: every deviation has its own exact message (see the
 * {@code error_*} fixtures), and a checkpoint is returned only once its signature verifies under
 * the expected key.
 */
public final class Checkpoints {

  /** Upper bound on a signed checkpoint's size. */
  public static final int MAX_BYTES = 1024;

  private static final String SIGNATURE_PREFIX = "\u2014 ";
  private static final byte ED25519_ALGORITHM = 0x01;
  private static final int KEY_ID_LENGTH = 4;
  private static final int SIGNATURE_LENGTH = 64;

  private Checkpoints() {}

  /** The signed note: the body, a blank line and one signature line by the origin's key. */
  public static String sign(Checkpoint checkpoint, SigningKey key) {
    byte[] body = checkpoint.body().getBytes(StandardCharsets.UTF_8);
    byte[] signature = key.sign(body);
    byte[] blob = new byte[KEY_ID_LENGTH + SIGNATURE_LENGTH];
    System.arraycopy(keyId(checkpoint.origin(), key.publicKey()), 0, blob, 0, KEY_ID_LENGTH);
    System.arraycopy(signature, 0, blob, KEY_ID_LENGTH, SIGNATURE_LENGTH);
    return checkpoint.body()
        + "\n"
        + SIGNATURE_PREFIX
        + checkpoint.origin()
        + " "
        + Base64.getEncoder().encodeToString(blob)
        + "\n";
  }

  /**
   * Parses a signed checkpoint and verifies its signature under {@code key}.
   *
   * @throws CheckpointParseException with an exact message for the first rule the text breaks
   */
  public static Checkpoint parse(byte[] note, Ed25519PublicKey key)
      throws CheckpointParseException {
    if (note.length > MAX_BYTES) {
      throw new CheckpointParseException("checkpoint is larger than " + MAX_BYTES + " bytes");
    }
    String text = utf8(note);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\n' && (c < 0x20 || c == 0x7f)) {
        throw new CheckpointParseException(
            "checkpoint contains a control character other than newline");
      }
    }
    if (!text.endsWith("\n")) {
      throw new CheckpointParseException("checkpoint does not end with a newline");
    }
    int separator = text.indexOf("\n\n");
    if (separator < 0) {
      throw new CheckpointParseException("checkpoint has no blank line between body and signature");
    }
    String body = text.substring(0, separator + 1);
    List<String> lines = Arrays.asList(body.substring(0, body.length() - 1).split("\n", -1));
    if (lines.size() < 4) {
      throw new CheckpointParseException(
          "checkpoint body has " + lines.size() + " lines, expected 4");
    }
    if (lines.size() > 4) {
      throw new CheckpointParseException("checkpoint body has an unexpected line 5");
    }
    String origin = lines.get(0);
    if (!isValidOrigin(origin)) {
      throw new CheckpointParseException(
          "checkpoint origin must be 1-255 printable ASCII characters without spaces or '+'");
    }
    long size = decimal(lines.get(1), "tree size");
    byte[] root = base64(lines.get(2), "checkpoint root hash");
    if (root.length != TreeHasher.HASH_LENGTH) {
      throw new CheckpointParseException(
          "checkpoint root hash is " + root.length + " bytes, expected 32");
    }
    if (!lines.get(3).startsWith("time ")) {
      throw new CheckpointParseException("checkpoint line 4 must be `time <unix ms>`");
    }
    long time = decimal(lines.get(3).substring("time ".length()), "time");

    String signatures = text.substring(separator + 2);
    if (signatures.isEmpty()) {
      throw new CheckpointParseException("checkpoint has no signature line");
    }
    String[] signatureLines = signatures.substring(0, signatures.length() - 1).split("\n", -1);
    if (signatureLines.length > 1) {
      throw new CheckpointParseException("checkpoint has more than one signature line");
    }
    String line = signatureLines[0];
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new CheckpointParseException(
          "checkpoint signature line must start with an em dash and a space");
    }
    String[] parts = line.substring(SIGNATURE_PREFIX.length()).split(" ", -1);
    if (parts.length != 2) {
      throw new CheckpointParseException(
          "checkpoint signature line must be `\u2014 <key name> <base64>`");
    }
    if (!parts[0].equals(origin)) {
      throw new CheckpointParseException(
          "checkpoint is signed by key `" + parts[0] + "`, not by its origin");
    }
    byte[] blob = base64(parts[1], "checkpoint signature");
    if (blob.length != KEY_ID_LENGTH + SIGNATURE_LENGTH) {
      throw new CheckpointParseException(
          "checkpoint signature is "
              + blob.length
              + " bytes, expected 68 (key id and Ed25519 signature)");
    }
    if (!Sha256.equal(Arrays.copyOf(blob, KEY_ID_LENGTH), keyId(origin, key))) {
      throw new CheckpointParseException("checkpoint key id does not match the gateway key");
    }
    try {
      key.verify(
          body.getBytes(StandardCharsets.UTF_8),
          Arrays.copyOfRange(blob, KEY_ID_LENGTH, blob.length));
    } catch (InvalidSignatureException e) {
      throw new CheckpointParseException(
          "checkpoint signature does not verify under the gateway key");
    }
    return Checkpoint.create(origin, size, root, time);
  }

  /** The signed-note key id of an Ed25519 key named {@code name}. */
  static byte[] keyId(String name, Ed25519PublicKey key) {
    byte[] hash =
        Sha256.of(
            name.getBytes(StandardCharsets.UTF_8),
            new byte[] {'\n', ED25519_ALGORITHM},
            key.toBytes());
    return Arrays.copyOf(hash, KEY_ID_LENGTH);
  }

  static boolean isValidOrigin(String origin) {
    if (origin.isEmpty() || origin.length() > 255) {
      return false;
    }
    for (int i = 0; i < origin.length(); i++) {
      char c = origin.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '+') {
        return false;
      }
    }
    return true;
  }

  private static long decimal(String text, String what) throws CheckpointParseException {
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new CheckpointParseException(
          "checkpoint " + what + " `" + text + "` is not a decimal number");
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      throw new CheckpointParseException(
          "checkpoint " + what + " `" + text + "` has a leading zero");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new CheckpointParseException("checkpoint " + what + " `" + text + "` is out of range");
    }
  }

  private static byte[] base64(String text, String what) throws CheckpointParseException {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new CheckpointParseException(what + " is not standard Base64");
    }
    // Java's decoder tolerates missing padding; canonical encodings only.
    if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
      throw new CheckpointParseException(what + " is not canonical padded Base64");
    }
    return decoded;
  }

  private static String utf8(byte[] bytes) throws CheckpointParseException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointParseException("checkpoint is not valid UTF-8");
    }
  }
}
