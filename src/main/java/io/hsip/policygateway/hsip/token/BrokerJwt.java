package io.hsip.policygateway.hsip.token;

import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The HS256 demo JWT of the reference's identity broker ({@code hsip-cli identity-serve},
 * docs/protocol.md#identity-broker-jwt), for interoperability tests only. Its default key is
 * public; never accept these tokens as authentication.
 */
public final class BrokerJwt {

  /** The broker's fixed issuer. */
  public static final String ISSUER = "hsip://local";

  /** The broker's fixed subject. */
  public static final String SUBJECT = "hsip:demo";

  /** Lifetime of a broker token in seconds. */
  public static final long TTL_SECONDS = 300;

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private BrokerJwt() {}

  /** Issues a token as the broker does: header {@code {"alg":"HS256"}}, claims with sorted keys. */
  public static String issue(byte[] key, String aud, long iatSeconds) {
    String header =
        SerdeJsonWriter.compact().beginObject().field("alg", "HS256").endObject().toString();
    String claims =
        SerdeJsonWriter.compact()
            .beginObject()
            .field("aud", aud)
            .field("exp", iatSeconds + TTL_SECONDS)
            .field("iat", iatSeconds)
            .field("iss", ISSUER)
            .field("sub", SUBJECT)
            .endObject()
            .toString();
    String signingInput =
        B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    mac.update(input, 0, input.length);
    byte[] tag = new byte[mac.getMacSize()];
    mac.doFinal(tag, 0);
    return signingInput + "." + B64URL.encodeToString(tag);
  }
}
