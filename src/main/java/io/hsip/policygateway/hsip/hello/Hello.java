package io.hsip.policygateway.hsip.hello;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Labels;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.PeerId;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A JSON HELLO (docs/protocol.md#json-hello): a peer announcing its identity and capabilities. On
 * the wire: the 6-byte prefix {@code "HSIP" 0x00 0x02} followed by serde-compact JSON.
 *
 * <p>The reference never verifies HELLOs; {@link #verify} does, strictly, and adds the freshness
 * check it lacks.
 *
 * @param peerId PeerID of the sender
 * @param pubKeyHex its Ed25519 public key, 64 lowercase hex
 * @param caps capability strings such as {@code consent=1}
 * @param ts sender clock, Unix ms
 * @param nonce 12 random bytes, standard Base64 without padding (16 characters)
 * @param sig Ed25519 signature of {@link #signedString()}, 128 lowercase hex
 */
public record Hello(
    String peerId, String pubKeyHex, List<String> caps, long ts, String nonce, String sig) {

  /** Datagram prefix: ASCII {@code HSIP} and protocol version 2 as u16 big-endian. */
  private static final byte[] PREFIX = {'H', 'S', 'I', 'P', 0x00, 0x02};

  /** The capabilities the reference hard-codes. */
  public static final List<String> REFERENCE_CAPS =
      List.of("pqc=0", "dtn=1", "mesh=1", "sat=0", "consent=1");

  private static final int MAX_CAPS = 32;
  private static final int MAX_CAP_LENGTH = 64;

  /** Copies {@code caps}. */
  public Hello {
    caps = List.copyOf(caps);
  }

  /** Creates and signs a HELLO. */
  public static Hello sign(SigningKey key, List<String> caps, long ts, byte[] nonce) {
    if (nonce.length != 12) {
      throw new IllegalArgumentException("HELLO nonce must be 12 bytes");
    }
    for (String cap : caps) {
      if (capProblem(cap) != null) {
        throw new IllegalArgumentException("capability " + capProblem(cap));
      }
    }
    Hello unsigned =
        new Hello(
            key.peerId().value(),
            key.publicKey().hex(),
            caps,
            ts,
            Base64.getEncoder().withoutPadding().encodeToString(nonce),
            "");
    String sig = LowerHex.encode(key.sign(unsigned.signedBytes()));
    return new Hello(unsigned.peerId, unsigned.pubKeyHex, caps, ts, unsigned.nonce, sig);
  }

  /** Parses a datagram: prefix, then JSON with every structural rule checked. */
  public static Hello parseDatagram(byte[] datagram) throws HelloParseException {
    if (datagram.length < PREFIX.length) {
      throw new HelloParseException("datagram shorter than the 6-byte HSIP prefix");
    }
    if (!Arrays.equals(datagram, 0, 4, PREFIX, 0, 4)) {
      throw new HelloParseException("datagram does not start with \"HSIP\"");
    }
    if (datagram[4] != PREFIX[4] || datagram[5] != PREFIX[5]) {
      int version = ((datagram[4] & 0xff) << 8) | (datagram[5] & 0xff);
      throw new HelloParseException("unsupported HSIP version " + version + " (expected 2)");
    }
    byte[] json = Arrays.copyOfRange(datagram, PREFIX.length, datagram.length);
    JsonObject<HelloParseException> o = StrictJson.parseObject(json, HelloParseException::new);
    if (!Labels.HELLO.equals(o.string("type"))) {
      throw new HelloParseException("field `type` must be \"HELLO\"");
    }
    String peerId = o.string("peer_id");
    if (!PeerId.isWellFormed(peerId)) {
      throw new HelloParseException(
          "field `peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
    }
    String pub = o.string("pub_key_hex");
    if (!LowerHex.isLowerHex(pub, 32)) {
      throw new HelloParseException("field `pub_key_hex` must be 64 lowercase hex characters");
    }
    List<String> caps = o.stringArray("caps");
    if (caps.size() > MAX_CAPS) {
      throw new HelloParseException("field `caps` has more than " + MAX_CAPS + " entries");
    }
    for (String cap : caps) {
      String problem = capProblem(cap);
      if (problem != null) {
        throw new HelloParseException("field `caps`: a capability " + problem);
      }
    }
    long ts = o.unsigned("ts");
    String nonce = o.string("nonce");
    if (!isNonce(nonce)) {
      throw new HelloParseException(
          "field `nonce` must be 12 bytes in unpadded standard Base64 (16 characters)");
    }
    String sig = o.string("sig");
    if (!LowerHex.isLowerHex(sig, 64)) {
      throw new HelloParseException("field `sig` must be 128 lowercase hex characters");
    }
    return new Hello(peerId, pub, caps, ts, nonce, sig);
  }

  /**
   * Verifies key, PeerID and strict signature, and that {@code ts} lies within {@code skewMs} of
   * {@code nowMs}.
   *
   * @return the sender's validated public key
   */
  public Ed25519PublicKey verify(long nowMs, long skewMs) throws HelloParseException {
    Ed25519PublicKey key;
    try {
      key = Ed25519PublicKey.fromHex(pubKeyHex);
    } catch (InvalidKeyException e) {
      throw new HelloParseException("HELLO " + e.getMessage());
    }
    if (!key.peerId().value().equals(peerId)) {
      throw new HelloParseException("peer_id does not match pub_key_hex");
    }
    byte[] signature = LowerHex.decode(sig, 64);
    try {
      if (signature == null) {
        throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
      }
      key.verify(signedBytes(), signature);
    } catch (InvalidSignatureException e) {
      throw new HelloParseException("HELLO " + e.getMessage());
    }
    if (ts < nowMs - skewMs || ts > nowMs + skewMs) {
      throw new HelloParseException("HELLO ts is more than " + skewMs + " ms from our clock");
    }
    return key;
  }

  /** {@code HELLO|<peer_id>|<pub_key_hex>|<caps joined by ,>|<ts>|<nonce>}. */
  public String signedString() {
    return Labels.HELLO
        + "|"
        + peerId
        + "|"
        + pubKeyHex
        + "|"
        + String.join(",", caps)
        + "|"
        + Long.toUnsignedString(ts)
        + "|"
        + nonce;
  }

  /** UTF-8 of {@link #signedString()}. */
  public byte[] signedBytes() {
    return signedString().getBytes(StandardCharsets.UTF_8);
  }

  /** serde-compact JSON (struct order). */
  public String toJson() {
    return SerdeJsonWriter.compact()
        .beginObject()
        .field("type", Labels.HELLO)
        .field("peer_id", peerId)
        .field("pub_key_hex", pubKeyHex)
        .stringArray("caps", caps)
        .field("ts", ts)
        .field("nonce", nonce)
        .field("sig", sig)
        .endObject()
        .toString();
  }

  /** The UDP datagram: prefix then compact JSON. */
  public byte[] toDatagram() {
    byte[] json = toJson().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[PREFIX.length + json.length];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(json, 0, out, PREFIX.length, json.length);
    return out;
  }

  private static boolean isNonce(String nonce) {
    if (nonce.length() != 16) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(nonce).length == 12;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Capabilities join into the signed string with {@code ,} and {@code |}: neither may appear. */
  private static @org.jspecify.annotations.Nullable String capProblem(String cap) {
    if (cap.isEmpty() || cap.length() > MAX_CAP_LENGTH) {
      return "must be 1 to " + MAX_CAP_LENGTH + " characters";
    }
    for (int i = 0; i < cap.length(); i++) {
      char c = cap.charAt(i);
      if (c == ',' || c == '|' || c < 0x20 || c == 0x7f) {
        return "must not contain `,`, `|` or control characters";
      }
    }
    return null;
  }
}
