package io.hsip.policygateway.hsip.session;

import static io.hsip.policygateway.hsip.HostileInputs.consume;

import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generator;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hostile handshake messages and sealed frames: only {@link HandshakeException} and {@link
 * FrameException} escape, and no forged frame ever authenticates.
 */
class HandshakeAndFrameFuzzTest implements HostileInputs.Format {

  @Override
  public List<Target> targets() throws HandshakeException {
    return List.of(handshakeRespondTarget(), initiatorFinishTarget(), sealedSessionTarget());
  }

  private static Target handshakeRespondTarget() {
    byte[] e1 = Vectors.hex("session_cli_dialect.E1_udp_datagram_hex");
    byte[] secret = Vectors.hex("session_cli_dialect.inputs.responder_x25519_secret_hex");
    SecureRandom random = new SecureRandom();
    return new Target(
        "Handshake.respond",
        Generators.binary(List.of(e1)),
        List.of(HandshakeException.class),
        input -> {
          Handshake.Response response =
              input.length % 2 == 0
                  ? Handshake.respond(input, secret)
                  : Handshake.respond(input, random);
          consume(response.e2(), response.key());
        });
  }

  private static Target initiatorFinishTarget() {
    byte[] e2 = Vectors.hex("session_cli_dialect.E2_udp_datagram_hex");
    Handshake.Initiator initiator =
        Handshake.Initiator.withEphemeral(
            Vectors.hex("session_cli_dialect.inputs.initiator_x25519_secret_hex"));
    return new Target(
        "Handshake.Initiator.finish",
        Generators.binary(List.of(e2)),
        List.of(HandshakeException.class),
        input -> consume(initiator.finish(input)));
  }

  private static Target sealedSessionTarget() throws HandshakeException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name :
        List.of(
            "control_request_initiator_to_responder",
            "data_initiator_second_frame",
            "ping_initiator_third_frame",
            "control_response_responder_to_initiator")) {
      seeds.add(Vectors.hex("session_cli_dialect.frames." + name + ".udp_datagram_hex"));
    }
    SessionKey key =
        Handshake.respond(
                Vectors.hex("session_cli_dialect.E1_udp_datagram_hex"),
                Vectors.hex("session_cli_dialect.inputs.responder_x25519_secret_hex"))
            .key();
    // The responder's end of the vector session: it may open each genuine initiator frame once.
    SealedSession receiver =
        SealedSession.withTxPrefix(
            key, Vectors.hex("session_cli_dialect.inputs.responder_tx_prefix_hex"));
    Generator bytes = Generators.binary(seeds);
    List<FrameType> types = List.of(FrameType.CONTROL, FrameType.DATA, FrameType.PING);
    FrameType[] chosen = {FrameType.CONTROL};
    return new Target(
        "SealedSession.open",
        r -> {
          chosen[0] = types.get(r.nextInt(types.size()));
          return bytes.next(r);
        },
        List.of(FrameException.class),
        input -> {
          FrameType type = chosen[0];
          byte[] plaintext = receiver.open(input, type);
          // Anything that authenticates must be one of the genuine frames, byte for byte.
          boolean genuine = false;
          for (byte[] seed : seeds) {
            genuine |= MessageDigest.isEqual(seed, input);
          }
          if (!genuine) {
            throw new AssertionError(
                "a forged frame authenticated, plaintext " + HexFormat.of().formatHex(plaintext));
          }
        });
  }
}
