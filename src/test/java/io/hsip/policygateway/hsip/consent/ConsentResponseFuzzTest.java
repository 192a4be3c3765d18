package io.hsip.policygateway.hsip.consent;

import static io.hsip.policygateway.hsip.HostileInputs.NOW;
import static io.hsip.policygateway.hsip.HostileInputs.consume;
import static io.hsip.policygateway.hsip.HostileInputs.utf8;

import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generator;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.util.List;

/**
 * Hostile consent responses: parsing and validation against the vector request raise only their
 * checked exceptions.
 */
class ConsentResponseFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() throws ConsentParseException {
    List<byte[]> seeds =
        List.of(
            Vectors.utf8("consent.response_allow.json_compact"),
            Vectors.utf8("consent.response_allow.json_pretty"),
            Vectors.utf8("consent.response_deny.json_compact"),
            Vectors.utf8("consent.response_deny_nonzero_ttl_INVALID.json_compact"));
    SigningKey responder = Vectors.key("responder");
    ConsentRequest vectorRequest =
        ConsentRequest.parse(Vectors.utf8("consent.request.json_compact"));
    Generator json = Generators.json(seeds);
    Generator generator =
        r -> {
          if (r.nextInt(10) == 0) {
            return utf8(
                ConsentResponse.signUnchecked(
                        responder,
                        vectorRequest.hashHex(),
                        r.nextBoolean() ? ConsentDecision.ALLOW : ConsentDecision.DENY,
                        Generators.extremeTime(r),
                        Generators.extremeTime(r))
                    .toJson());
          }
          return json.next(r);
        };
    return List.of(
        new Target(
            "ConsentResponse.parse+validate",
            generator,
            List.of(ConsentParseException.class, ConsentRejectedException.class),
            input -> {
              ConsentResponse response = ConsentResponse.parse(input);
              consume(response.signedString(), response.toJson(), response.toPrettyJson());
              consume(
                  ConsentValidator.validateResponse(
                          response, vectorRequest, responder.publicKey(), NOW + 1_000)
                      .validUntilMs());
            }));
  }
}
