package io.hsip.policygateway.identity;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Publishes the gateway's public identity, which peers and auditors pin. Public by design. */
@Path("/api/v1/identity")
@Tag(name = "Identity")
@PermitAll
public class GatewayIdentityResource {

  /**
   * The gateway's public identity.
   *
   * @param peerId HSIP PeerID of the gateway key
   * @param publicKeyHex Ed25519 public key, 64 lowercase hex
   * @param publicKeyBase64 the same key in standard Base64 (the hsip-auth form)
   */
  public record IdentityView(String peerId, String publicKeyHex, String publicKeyBase64) {
    static IdentityView from(Ed25519PublicKey key) {
      return new IdentityView(key.peerId().value(), key.hex(), key.base64());
    }
  }

  private final GatewayIdentity identity;

  GatewayIdentityResource(GatewayIdentity identity) {
    this.identity = identity;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "The gateway's PeerID and Ed25519 public key",
      description =
          "Peers verify consent responses and auditors verify checkpoints with this key. 503 while no key is loaded.")
  public IdentityView get() {
    return IdentityView.from(identity.signingKey().publicKey());
  }
}
