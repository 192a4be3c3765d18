package io.hsip.policygateway.hsip.hello;

import static io.hsip.policygateway.hsip.HostileInputs.consume;

import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generator;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import java.util.Arrays;
import java.util.List;

/**
 * Hostile HELLO datagrams: prefix, JSON and signature checks raise only {@link
 * HelloParseException}.
 */
class HelloFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() {
    byte[] datagram = Vectors.hex("hello.json_hello_on_wire.udp_datagram_hex");
    byte[] prefix = Arrays.copyOf(datagram, 6);
    Generator json = Generators.json(List.of(Arrays.copyOfRange(datagram, 6, datagram.length)));
    Generator bytes = Generators.bytes(List.of(datagram));
    Generator generator =
        r ->
            switch (r.nextInt(4)) {
              case 0, 1 -> Generators.concat(prefix, json.next(r));
              case 2 -> bytes.next(r);
              default ->
                  Generators.concat(Generators.mutate(r, prefix, List.of(prefix)), json.next(r));
            };
    long ts = Vectors.number("hello.json_hello_on_wire.inputs.ts");
    return List.of(
        new Target(
            "Hello.parseDatagram+verify",
            generator,
            List.of(HelloParseException.class),
            input -> {
              Hello hello = Hello.parseDatagram(input);
              consume(hello.signedString(), hello.toDatagram());
              consume(hello.verify(ts, 60_000));
            }));
  }
}
