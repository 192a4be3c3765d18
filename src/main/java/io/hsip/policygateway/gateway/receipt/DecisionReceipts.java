package io.hsip.policygateway.gateway.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.gateway.decision.Decision;
import io.hsip.policygateway.hsip.consent.DecisionReceiptSignature;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.policy.model.PolicyDecision.PolicyRef;

/**
 * Decision receipts: what the gateway decided about one request, signed with the gateway's key so
 * that a third party can check it offline with only the gateway's public key ({@code hsip decision
 * verify}).
 *
 * <p>A receipt is a JSON object with two members: {@code payload} (schema 1: {@code version},
 * {@code effect}, {@code ttl_ms}, {@code reason}, {@code request_hash} (the protocol's request
 * hash, BLAKE3-256 of its signed string, as in the signed response), {@code requester_peer_id}
 * (null when the signature did not verify), {@code target_peer_id}, {@code policy} ({@code set},
 * {@code version}, {@code digest}, or null), {@code audit_seq} (or null), {@code decided_at_ms})
 * and {@code signature} ({@code alg}: {@code Ed25519}, {@code public_key_hex}, {@code sig_hex}).
 * The signature covers the RFC 8785 canonical form of {@code payload} under the {@code
 * HSIP-GW-DECISION-RECEIPT-V1} domain label; {@code public_key_hex} is a hint, never trusted: the
 * verifier pins the gateway's key.
 */
public final class DecisionReceipts {

  /** The receipt schema version. */
  public static final int VERSION = 1;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private DecisionReceipts() {}

  /** The signed receipt of {@code decision}. */
  public static ObjectNode sign(Decision decision, SigningKey gatewayKey) {
    ObjectNode payload = payload(decision);
    ObjectNode signature = JSON.objectNode();
    signature.put("alg", "Ed25519");
    signature.put("public_key_hex", gatewayKey.publicKey().hex());
    signature.put(
        "sig_hex", DecisionReceiptSignature.sign(gatewayKey, CanonicalJson.encode(payload)));
    ObjectNode receipt = JSON.objectNode();
    receipt.set("payload", payload);
    receipt.set("signature", signature);
    return receipt;
  }

  /** The unsigned payload of {@code decision}. */
  static ObjectNode payload(Decision decision) {
    ObjectNode payload = JSON.objectNode();
    payload.put("version", VERSION);
    payload.put("effect", decision.effect());
    payload.put("ttl_ms", decision.ttlMs());
    payload.put("reason", decision.reason().wire());
    payload.put("request_hash", decision.requestHash());
    payload.put("requester_peer_id", decision.requesterPeerId());
    payload.put("target_peer_id", decision.targetPeerId());
    PolicyRef ref = decision.policy();
    if (ref == null) {
      payload.putNull("policy");
    } else {
      ObjectNode policy = payload.putObject("policy");
      policy.put("set", ref.policySet());
      policy.put("version", ref.version());
      policy.put("digest", ref.digest());
    }
    if (decision.auditSeq() == null) {
      payload.putNull("audit_seq");
    } else {
      payload.put("audit_seq", decision.auditSeq());
    }
    payload.put("decided_at_ms", decision.atMs());
    return payload;
  }

  /**
   * Checks that {@code receipt} was signed by {@code gatewayKey} and returns its payload.
   *
   * @throws ReceiptException naming what is wrong: the structure, or the signature
   */
  public static JsonNode verify(JsonNode receipt, Ed25519PublicKey gatewayKey)
      throws ReceiptException {
    if (!receipt.isObject()) {
      throw new ReceiptException("a receipt must be a JSON object");
    }
    JsonNode payload = receipt.get("payload");
    JsonNode signature = receipt.get("signature");
    if (payload == null || !payload.isObject()) {
      throw new ReceiptException("member `payload` must be an object");
    }
    if (signature == null || !signature.isObject()) {
      throw new ReceiptException("member `signature` must be an object");
    }
    if (!"Ed25519".equals(signature.path("alg").asText(""))) {
      throw new ReceiptException("signature `alg` must be \"Ed25519\"");
    }
    if (payload.path("version").asInt(-1) != VERSION) {
      throw new ReceiptException("unsupported receipt version (expected " + VERSION + ")");
    }
    JsonNode sig = signature.get("sig_hex");
    if (sig == null || !sig.isTextual()) {
      throw new ReceiptException("signature `sig_hex` must be a string");
    }
    byte[] canonical;
    try {
      canonical = CanonicalJson.encode(payload);
    } catch (IllegalArgumentException e) {
      throw new ReceiptException("payload cannot be canonicalised: " + e.getMessage());
    }
    try {
      DecisionReceiptSignature.verify(gatewayKey, canonical, sig.asText());
    } catch (InvalidSignatureException e) {
      throw new ReceiptException(
          "signature does not verify with the gateway key: " + e.getMessage());
    }
    return payload;
  }
}
