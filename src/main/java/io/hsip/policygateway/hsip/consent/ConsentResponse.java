package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Labels;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A signed answer to one consent request (docs/protocol.md#consent-response), bound to it by the
 * request hash.
 *
 * @param version always 1
 * @param requestHashHex BLAKE3-256 of the request's signed string, 64 lowercase hex
 * @param responderPeerId PeerID of the signer
 * @param responderPubKeyHex the signer's Ed25519 public key, 64 lowercase hex
 * @param decision allow or deny
 * @param ttlMs how long an allow is valid from {@code tsMs}; 0 for deny
 * @param tsMs time of the decision, Unix milliseconds
 * @param sigHex Ed25519 signature of {@link #signedString()}, 128 lowercase hex
 */
public record ConsentResponse(
    int version,
    String requestHashHex,
    String responderPeerId,
    String responderPubKeyHex,
    ConsentDecision decision,
    long ttlMs,
    long tsMs,
    String sigHex) {

  /** Signs an allow valid for {@code ttlMs} from {@code tsMs}. */
  public static ConsentResponse allow(
      SigningKey responder, ConsentRequest request, long ttlMs, long tsMs) {
    if (ttlMs <= 0) {
      throw new IllegalArgumentException("an allow needs a positive ttl_ms");
    }
    return sign(responder, request, ConsentDecision.ALLOW, ttlMs, tsMs);
  }

  /** Signs a deny; a deny always carries {@code ttl_ms = 0} (docs/protocol.md#deny-with-a-ttl). */
  public static ConsentResponse deny(SigningKey responder, ConsentRequest request, long tsMs) {
    return sign(responder, request, ConsentDecision.DENY, 0, tsMs);
  }

  /**
   * Signs an arbitrary response, including ones a validator rejects; exists to reproduce the
   * reference's behaviour in tests (its {@code consent-listen} signs deny with a TTL).
   */
  public static ConsentResponse signUnchecked(
      SigningKey responder,
      String requestHashHex,
      ConsentDecision decision,
      long ttlMs,
      long tsMs) {
    ConsentResponse unsigned =
        new ConsentResponse(
            ConsentFields.VERSION,
            requestHashHex,
            responder.peerId().value(),
            responder.publicKey().hex(),
            decision,
            ttlMs,
            tsMs,
            "");
    return unsigned.withSigHex(LowerHex.encode(responder.sign(unsigned.signedBytes())));
  }

  private ConsentResponse withSigHex(String sig) {
    return new ConsentResponse(
        version, requestHashHex, responderPeerId, responderPubKeyHex, decision, ttlMs, tsMs, sig);
  }

  private static ConsentResponse sign(
      SigningKey responder,
      ConsentRequest request,
      ConsentDecision decision,
      long ttlMs,
      long tsMs) {
    if (tsMs < 0) {
      throw new IllegalArgumentException("ts_ms must be non-negative");
    }
    return signUnchecked(responder, request.hashHex(), decision, ttlMs, tsMs);
  }

  /** Parses the JSON of a response, applying every structural rule. */
  public static ConsentResponse parse(byte[] json) throws ConsentParseException {
    JsonObject<ConsentParseException> o = StrictJson.parseObject(json, ConsentParseException::new);
    ConsentFields.version(o);
    String requestHash = ConsentFields.hex(o, "request_hash_hex", 32);
    String peerId = ConsentFields.peerId(o, "responder_peer_id");
    String pub = ConsentFields.hex(o, "responder_pub_key_hex", 32);
    String decisionText = o.string("decision");
    ConsentDecision decision =
        switch (decisionText) {
          case "allow" -> ConsentDecision.ALLOW;
          case "deny" -> ConsentDecision.DENY;
          default ->
              throw new ConsentParseException("field `decision` must be \"allow\" or \"deny\"");
        };
    return new ConsentResponse(
        ConsentFields.VERSION,
        requestHash,
        peerId,
        pub,
        decision,
        o.unsigned("ttl_ms"),
        o.unsigned("ts_ms"),
        ConsentFields.hex(o, "sig_hex", 64));
  }

  /** The canonical string the signature covers (docs/protocol.md#signed-strings). */
  public String signedString() {
    return Labels.CONSENT_RESPONSE
        + "|v="
        + version
        + "|req_hash="
        + requestHashHex
        + "|pid="
        + responderPeerId
        + "|pub="
        + responderPubKeyHex
        + "|decision="
        + decision.wire()
        + "|ttl="
        + Long.toUnsignedString(ttlMs)
        + "|ts="
        + Long.toUnsignedString(tsMs);
  }

  /** UTF-8 of {@link #signedString()}. */
  public byte[] signedBytes() {
    return signedString().getBytes(StandardCharsets.UTF_8);
  }

  /** serde-compact JSON, as sent in a CONTROL frame. */
  public String toJson() {
    return write(SerdeJsonWriter.compact(), null);
  }

  /**
   * serde-compact JSON with an unsigned {@code reason} member after the signed ones, when {@code
   * reason} is not null (docs/protocol.md#deny-reasons). Peers that do not know the member ignore
   * it, as serde and {@link #parse} ignore unknown members; it is advice, not covered by the
   * signature.
   */
  public String toJson(@Nullable String reason) {
    return write(SerdeJsonWriter.compact(), reason);
  }

  /** serde-pretty JSON, as the reference CLI writes response files. */
  public String toPrettyJson() {
    return write(SerdeJsonWriter.pretty(), null);
  }

  private String write(SerdeJsonWriter w, @Nullable String reason) {
    w.beginObject()
        .field("version", version)
        .field("request_hash_hex", requestHashHex)
        .field("responder_peer_id", responderPeerId)
        .field("responder_pub_key_hex", responderPubKeyHex)
        .field("decision", decision.wire())
        .field("ttl_ms", ttlMs)
        .field("ts_ms", tsMs)
        .field("sig_hex", sigHex);
    if (reason != null) {
      w.field("reason", reason);
    }
    return w.endObject().toString();
  }
}
