package io.hsip.policygateway.hsip.token;

import static io.hsip.policygateway.hsip.HostileInputs.consume;

import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hostile local JWTs, often validly re-signed: verification raises only {@link TokenException}. */
class LocalJwtFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() {
    String token = Vectors.text("tokens.local_jwt_eddsa.token");
    String aud = Vectors.text("tokens.local_jwt_eddsa.inputs.aud");
    long iat = Vectors.number("tokens.local_jwt_eddsa.inputs.iat");
    SigningKey responder = Vectors.key("responder");
    return List.of(
        new Target(
            "LocalJwt.verify",
            Generators.jwt(token, responder),
            List.of(TokenException.class),
            input ->
                consume(
                    LocalJwt.verify(
                        new String(input, StandardCharsets.UTF_8),
                        responder.publicKey(),
                        aud,
                        iat))));
  }
}
