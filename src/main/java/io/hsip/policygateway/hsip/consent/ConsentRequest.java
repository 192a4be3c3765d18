package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Digests;
import io.hsip.policygateway.hsip.crypto.Labels;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;

/**
 * A signed consent request (docs/protocol.md#consent-request): "requester asks to reach the signer
 * of the response for {@code purpose} until {@code expiresMs}". An instance is well-formed; whether
 * it is authentic, fresh and unreplayed is {@link ConsentValidator}'s question.
 *
 * @param version always 1
 * @param requesterPeerId PeerID of the signer
 * @param requesterPubKeyHex the signer's Ed25519 public key, 64 lowercase hex
 * @param contentCidHex BLAKE3-256 of the content concerned, 64 lowercase hex
 * @param purpose free text without {@code |} or control characters
 * @param expiresMs absolute expiry, Unix milliseconds
 * @param tsMs creation time, Unix milliseconds
 * @param nonceHex 12 random bytes, 24 lowercase hex
 * @param sigHex Ed25519 signature of {@link #signedString()}, 128 lowercase hex
 */
public record ConsentRequest(
    int version,
    String requesterPeerId,
    String requesterPubKeyHex,
    String contentCidHex,
    String purpose,
    long expiresMs,
    long tsMs,
    String nonceHex,
    String sigHex) {

  /** Length of the request nonce in bytes. */
  public static final int NONCE_LENGTH = 12;

  /** Creates and signs a request; rejects values an honest peer must not send. */
  public static ConsentRequest sign(
      SigningKey requester,
      String contentCidHex,
      String purpose,
      long expiresMs,
      long tsMs,
      byte[] nonce) {
    if (!LowerHex.isLowerHex(contentCidHex, 32)) {
      throw new IllegalArgumentException("content id must be 64 lowercase hex characters");
    }
    String problem = ConsentFields.purposeProblem(purpose);
    if (problem != null) {
      throw new IllegalArgumentException("purpose " + problem);
    }
    if (nonce.length != NONCE_LENGTH || expiresMs < 0 || tsMs < 0) {
      throw new IllegalArgumentException("nonce must be 12 bytes and times non-negative");
    }
    ConsentRequest unsigned =
        new ConsentRequest(
            ConsentFields.VERSION,
            requester.peerId().value(),
            requester.publicKey().hex(),
            contentCidHex,
            purpose,
            expiresMs,
            tsMs,
            LowerHex.encode(nonce),
            "");
    return unsigned.withSigHex(LowerHex.encode(requester.sign(unsigned.signedBytes())));
  }

  private ConsentRequest withSigHex(String sig) {
    return new ConsentRequest(
        version,
        requesterPeerId,
        requesterPubKeyHex,
        contentCidHex,
        purpose,
        expiresMs,
        tsMs,
        nonceHex,
        sig);
  }

  /** The content id of some content: lowercase hex of its BLAKE3-256. */
  public static String contentId(byte[] content) {
    return LowerHex.encode(Digests.blake3(content));
  }

  /** Parses the JSON of a request (compact or pretty), applying every structural rule. */
  public static ConsentRequest parse(byte[] json) throws ConsentParseException {
    JsonObject<ConsentParseException> o = StrictJson.parseObject(json, ConsentParseException::new);
    ConsentFields.version(o);
    return new ConsentRequest(
        ConsentFields.VERSION,
        ConsentFields.peerId(o, "requester_peer_id"),
        ConsentFields.hex(o, "requester_pub_key_hex", 32),
        ConsentFields.hex(o, "content_cid_hex", 32),
        ConsentFields.purpose(o),
        o.unsigned("expires_ms"),
        o.unsigned("ts_ms"),
        ConsentFields.hex(o, "nonce_hex", NONCE_LENGTH),
        ConsentFields.hex(o, "sig_hex", 64));
  }

  /** The canonical string the signature covers (docs/protocol.md#signed-strings). */
  public String signedString() {
    return Labels.CONSENT_REQUEST
        + "|v="
        + version
        + "|pid="
        + requesterPeerId
        + "|pub="
        + requesterPubKeyHex
        + "|cid="
        + contentCidHex
        + "|purpose="
        + purpose
        + "|exp="
        + Long.toUnsignedString(expiresMs)
        + "|ts="
        + Long.toUnsignedString(tsMs)
        + "|nonce="
        + nonceHex;
  }

  /** UTF-8 of {@link #signedString()}. */
  public byte[] signedBytes() {
    return signedString().getBytes(StandardCharsets.UTF_8);
  }

  /** BLAKE3-256 of the signed string: what a response binds to (docs/protocol.md#request-hash). */
  public byte[] hash() {
    return Digests.blake3(signedBytes());
  }

  /** Lowercase hex of {@link #hash()}. */
  public String hashHex() {
    return LowerHex.encode(hash());
  }

  /** serde-compact JSON, as sent in a CONTROL frame. */
  public String toJson() {
    return write(SerdeJsonWriter.compact());
  }

  /** serde-pretty JSON, as the reference CLI writes request files. */
  public String toPrettyJson() {
    return write(SerdeJsonWriter.pretty());
  }

  private String write(SerdeJsonWriter w) {
    return w.beginObject()
        .field("version", version)
        .field("requester_peer_id", requesterPeerId)
        .field("requester_pub_key_hex", requesterPubKeyHex)
        .field("content_cid_hex", contentCidHex)
        .field("purpose", purpose)
        .field("expires_ms", expiresMs)
        .field("ts_ms", tsMs)
        .field("nonce_hex", nonceHex)
        .field("sig_hex", sigHex)
        .endObject()
        .toString();
  }
}
