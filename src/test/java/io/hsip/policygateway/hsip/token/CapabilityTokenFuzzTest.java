package io.hsip.policygateway.hsip.token;

import static io.hsip.policygateway.hsip.HostileInputs.consume;
import static io.hsip.policygateway.hsip.HostileInputs.utf8;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.util.List;

/** Hostile capability tokens: parsing and verification raise only {@link TokenException}. */
class CapabilityTokenFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() throws IOException {
    String pretty = Vectors.text("tokens.capability_token_cli.token_json_pretty");
    ObjectMapper mapper = new ObjectMapper();
    String compact = mapper.writeValueAsString(mapper.readTree(pretty));
    List<byte[]> seeds = List.of(utf8(pretty), utf8(compact));
    long expires = Vectors.number("tokens.capability_token_cli.inputs.expires_at_ms");
    SigningKey responder = Vectors.key("responder");
    return List.of(
        new Target(
            "CapabilityToken.parse+verify",
            Generators.json(seeds),
            List.of(TokenException.class),
            input -> {
              CapabilityToken token = CapabilityToken.parse(input);
              consume(token.signedBytes(), token.toPrettyJson());
              token.verify(responder.publicKey(), expires);
            }));
  }
}
