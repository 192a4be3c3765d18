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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Hostile consent requests: parsing, signature check and validation raise only their checked
 * exceptions.
 */
class ConsentRequestFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() throws ConsentParseException {
    List<byte[]> seeds =
        List.of(
            Vectors.utf8("consent.request.json_compact"),
            Vectors.utf8("consent.request.json_pretty"),
            Vectors.utf8("consent.canonicalisation_ambiguity_demo.request_A_json"),
            Vectors.utf8("consent.canonicalisation_ambiguity_demo.request_B_json"),
            Vectors.utf8("consent.negative_cases.tampered_request_json"),
            Vectors.utf8("consent.negative_cases.response_allow_against_other_request"));
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    ConsentValidator validator =
        new ConsentValidator(ConsentValidator.Rules.DEFAULT, new InMemoryReplayGuard(1_000_000));
    SigningKey requester = Vectors.key("requester");
    ConsentRequest vectorRequest =
        ConsentRequest.parse(Vectors.utf8("consent.request.json_compact"));
    Generator json = Generators.json(seeds);
    Generator generator =
        r -> {
          if (r.nextInt(10) == 0) {
            // Authentic requests with extreme times: the validator's arithmetic under hostile
            // values.
            byte[] nonce = new byte[12];
            r.nextBytes(nonce);
            return utf8(
                ConsentRequest.sign(
                        requester,
                        vectorRequest.contentCidHex(),
                        vectorRequest.purpose(),
                        Generators.extremeTime(r),
                        Generators.extremeTime(r),
                        nonce)
                    .toJson());
          }
          return json.next(r);
        };
    return List.of(
        new Target(
            "ConsentRequest.parse+validate",
            generator,
            List.of(ConsentParseException.class, ConsentRejectedException.class),
            input -> {
              ConsentRequest request = ConsentRequest.parse(input);
              consume(
                  request.signedString(),
                  request.hashHex(),
                  request.toJson(),
                  request.toPrettyJson());
              consume(ConsentValidator.verifySignature(request));
              consume(validator.validate(request, NOW));
            }));
  }
}
