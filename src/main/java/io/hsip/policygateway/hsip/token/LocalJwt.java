package io.hsip.policygateway.hsip.token;

import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The device-local EdDSA JWT of hsip-auth (docs/protocol.md#device-local-jwt), as issued by the
 * tray's {@code POST /consent}. The reference's verifier trusts whatever key {@code kid} names and
 * ignores {@code exp} and {@code aud} (docs/protocol.md#device-jwt-trusts-its-kid); {@link #verify}
 * pins the device key and checks both.
 *
 * @param kid hex public key of the device
 * @param aud audience
 * @param iat issued at, Unix seconds
 * @param exp expiry, Unix seconds
 * @param scopes granted scopes
 */
public record LocalJwt(String kid, String aud, long iat, long exp, List<String> scopes) {

  /** The fixed issuer claim. */
  public static final String ISSUER = "hsip-device";

  /** The fixed subject claim. */
  public static final String SUBJECT = "device";

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
  private static final int MAX_TOKEN_CHARS = 8192;

  /** Copies {@code scopes}. */
  public LocalJwt {
    scopes = List.copyOf(scopes);
  }

  /** Issues a token signed by {@code device}, valid {@code ttlSeconds} from {@code iatSeconds}. */
  public static String issue(
      SigningKey device, String aud, List<String> scopes, long iatSeconds, long ttlSeconds) {
    String header =
        SerdeJsonWriter.compact()
            .beginObject()
            .field("alg", "EdDSA")
            .field("typ", "JWT")
            .field("kid", device.publicKey().hex())
            .endObject()
            .toString();
    String claims =
        SerdeJsonWriter.compact()
            .beginObject()
            .field("iss", ISSUER)
            .field("sub", SUBJECT)
            .field("aud", aud)
            .field("iat", iatSeconds)
            .field("exp", iatSeconds + ttlSeconds)
            .stringArray("scopes", scopes)
            .endObject()
            .toString();
    String signingInput = b64(header) + "." + b64(claims);
    byte[] sig = device.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + B64URL.encodeToString(sig);
  }

  /**
   * Verifies a token against the pinned device key: header {@code alg=EdDSA} and {@code kid} equal
   * to that key, strict signature, {@code iss}, {@code aud}, and {@code iat <= now <= exp}.
   */
  public static LocalJwt verify(
      String token, Ed25519PublicKey deviceKey, String expectedAud, long nowSeconds)
      throws TokenException {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenException("token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new TokenException("token must have three dot-separated parts");
    }
    // JSON errors name the part: "empty JSON document" alone would not say whether header or
    // claims.
    JsonObject<TokenException> header =
        StrictJson.parseObject(
            decode(parts[0], "header"), m -> new TokenException("token header: " + m));
    if (!"EdDSA".equals(header.string("alg"))) {
      throw new TokenException("header `alg` must be \"EdDSA\"");
    }
    String kid = header.string("kid");
    if (!kid.equals(deviceKey.hex())) {
      throw new TokenException("header `kid` is not the pinned device key");
    }
    byte[] signature = decode(parts[2], "signature");
    try {
      deviceKey.verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature);
    } catch (InvalidSignatureException e) {
      throw new TokenException("token " + e.getMessage());
    }
    JsonObject<TokenException> claims =
        StrictJson.parseObject(
            decode(parts[1], "claims"), m -> new TokenException("token claims: " + m));
    if (!ISSUER.equals(claims.string("iss"))) {
      throw new TokenException("claim `iss` must be \"" + ISSUER + "\"");
    }
    String aud = claims.string("aud");
    if (!aud.equals(expectedAud)) {
      throw new TokenException("claim `aud` is not the expected audience");
    }
    long iat = claims.unsigned("iat");
    long exp = claims.unsigned("exp");
    if (nowSeconds > exp) {
      throw new TokenException("token expired");
    }
    if (iat > nowSeconds + 60) {
      throw new TokenException("token issued in the future");
    }
    return new LocalJwt(kid, aud, iat, exp, claims.stringArray("scopes"));
  }

  private static String b64(String json) {
    return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] decode(String part, String what) throws TokenException {
    if (part.contains("=")) {
      throw new TokenException("token " + what + " must be unpadded base64url");
    }
    byte[] bytes;
    try {
      bytes = B64URL_DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new TokenException("token " + what + " is not valid base64url");
    }
    // The JDK decoder ignores non-zero bits after the last byte, so several texts would decode to
    // one signature; accept only the canonical text, or the token string is malleable.
    if (!B64URL.encodeToString(bytes).equals(part)) {
      throw new TokenException("token " + what + " is not canonical base64url");
    }
    return bytes;
  }
}
