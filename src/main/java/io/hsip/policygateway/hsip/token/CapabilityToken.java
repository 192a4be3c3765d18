package io.hsip.policygateway.hsip.token;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.PeerId;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The reference CLI's capability token (docs/protocol.md#capability-tokens): the issuer grants
 * {@code grantee} some capabilities until {@code expiresAtMs}. The signature covers the compact
 * JSON of {@code issuer, grantee, capabilities, expires_at_ms}; {@code issuer_peer} is an unsigned
 * alias.
 *
 * @param issuer PeerID of the issuer
 * @param issuerPeer the unsigned alias the reference writes (same value), or {@code null} if absent
 * @param grantee normally a PeerID
 * @param capabilities what is granted
 * @param expiresAtMs Unix ms; the token is valid up to and including this instant
 * @param sigHex Ed25519 signature, 128 lowercase hex
 */
public record CapabilityToken(
    String issuer,
    @Nullable String issuerPeer,
    String grantee,
    List<Capability> capabilities,
    long expiresAtMs,
    String sigHex) {

  /** Copies {@code capabilities}. */
  public CapabilityToken {
    capabilities = List.copyOf(capabilities);
  }

  /** Issues a token. */
  public static CapabilityToken issue(
      SigningKey issuer, String grantee, List<Capability> capabilities, long expiresAtMs) {
    if (grantee.isEmpty() || capabilities.isEmpty() || expiresAtMs < 0) {
      throw new IllegalArgumentException("a token needs a grantee, capabilities and an expiry");
    }
    String issuerId = issuer.peerId().value();
    CapabilityToken unsigned =
        new CapabilityToken(issuerId, issuerId, grantee, capabilities, expiresAtMs, "");
    String sig = LowerHex.encode(issuer.sign(unsigned.signedBytes()));
    return new CapabilityToken(issuerId, issuerId, grantee, capabilities, expiresAtMs, sig);
  }

  /** Parses a token file (compact or pretty JSON). */
  public static CapabilityToken parse(byte[] json) throws TokenException {
    JsonObject<TokenException> o = StrictJson.parseObject(json, TokenException::new);
    String issuer = o.string("issuer");
    if (!PeerId.isWellFormed(issuer)) {
      throw new TokenException("field `issuer` must be a PeerID (26 characters of A-Z and 2-7)");
    }
    String issuerPeer = o.has("issuer_peer") ? o.string("issuer_peer") : null;
    if (issuerPeer != null && !issuerPeer.equals(issuer)) {
      throw new TokenException("field `issuer_peer` differs from `issuer`");
    }
    String grantee = o.string("grantee");
    if (grantee.isEmpty()) {
      throw new TokenException("field `grantee` must not be empty");
    }
    List<Capability> caps = new ArrayList<>();
    for (String name : o.stringArray("capabilities")) {
      caps.add(
          Capability.fromWire(name)
              .orElseThrow(
                  () ->
                      new TokenException(
                          "field `capabilities`: unknown capability \"" + shorten(name) + "\"")));
    }
    long expires = o.unsigned("expires_at_ms");
    String sig = o.string("sig_hex");
    // The reference's verifier tolerates a 0x prefix; we do too, and nothing else.
    String bare = sig.startsWith("0x") ? sig.substring(2) : sig;
    if (!LowerHex.isLowerHex(bare, 64)) {
      throw new TokenException("field `sig_hex` must be 128 lowercase hex characters");
    }
    return new CapabilityToken(issuer, issuerPeer, grantee, caps, expires, bare);
  }

  /**
   * Verifies the token as the holder of the issuer's public key: the key must be the issuer's (the
   * reference does not check), the token unexpired at {@code nowMs} (equal still passes, as in the
   * reference), and the signature strict.
   */
  public void verify(Ed25519PublicKey issuerKey, long nowMs) throws TokenException {
    if (!issuerKey.peerId().value().equals(issuer)) {
      throw new TokenException("issuer key does not match `issuer`");
    }
    if (nowMs > expiresAtMs) {
      throw new TokenException("token expired");
    }
    byte[] signature = LowerHex.decode(sigHex, 64);
    try {
      if (signature == null) {
        throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
      }
      issuerKey.verify(signedBytes(), signature);
    } catch (InvalidSignatureException e) {
      throw new TokenException("token " + e.getMessage());
    }
  }

  /** Whether the token grants {@code capability}. */
  public boolean grants(Capability capability) {
    return capabilities.contains(capability);
  }

  /** The signed bytes: compact JSON of issuer, grantee, capabilities, expires_at_ms. */
  public byte[] signedBytes() {
    SerdeJsonWriter w =
        SerdeJsonWriter.compact().beginObject().field("issuer", issuer).field("grantee", grantee);
    return capabilityArray(w)
        .field("expires_at_ms", expiresAtMs)
        .endObject()
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The token file as the reference CLI writes it (serde pretty). */
  public String toPrettyJson() {
    SerdeJsonWriter w = SerdeJsonWriter.pretty().beginObject().field("issuer", issuer);
    if (issuerPeer != null) {
      w.field("issuer_peer", issuerPeer);
    }
    w.field("grantee", grantee);
    return capabilityArray(w)
        .field("expires_at_ms", expiresAtMs)
        .field("sig_hex", sigHex)
        .endObject()
        .toString();
  }

  private SerdeJsonWriter capabilityArray(SerdeJsonWriter w) {
    w.beginArray("capabilities");
    for (Capability cap : capabilities) {
      w.value(cap.wire());
    }
    return w.endArray();
  }

  private static String shorten(String text) {
    return text.length() <= 32 ? text : text.substring(0, 32) + "...";
  }
}
