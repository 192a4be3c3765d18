package io.hsip.policygateway.hsip.reputationlog;

import static io.hsip.policygateway.hsip.HostileInputs.consume;
import static io.hsip.policygateway.hsip.HostileInputs.utf8;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.hsip.HostileInputs;
import io.hsip.policygateway.hsip.HostileInputs.Generator;
import io.hsip.policygateway.hsip.HostileInputs.Generators;
import io.hsip.policygateway.hsip.HostileInputs.Target;
import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile reputation events and log files: parsing and verification raise only {@link
 * ReputationLogException}.
 */
class ReputationLogFuzzTest implements HostileInputs.JsonFormat {

  @Override
  public List<Target> targets() {
    return List.of(eventTarget(), logTarget());
  }

  /**
   * Found by reading the code, confirmed here: {@code ReputationEvent.parse} accepts {@code ts}
   * matching {@code [0-9]{1,20}s}, but {@code unixSeconds()} is {@code Long.parseLong} of up to 20
   * digits, which throws {@link NumberFormatException} above 9223372036854775807.
   */
  @Test
  void regression_reputationEventTsBeyondLong() throws IOException {
    String event = Vectors.text("reputation_log.event1_line");
    String ts = new ObjectMapper().readTree(event).get("ts").textValue();
    String line = event.replace("\"" + ts + "\"", "\"99999999999999999999s\"");
    HostileInputs.assertOnlyDeclared(List.of(utf8(line)), List.of(eventTarget()));
  }

  private static Target eventTarget() {
    List<byte[]> seeds =
        List.of(
            Vectors.utf8("reputation_log.event1_line"), Vectors.utf8("reputation_log.event2_line"));
    return new Target(
        "ReputationEvent.parse",
        Generators.json(seeds),
        List.of(ReputationLogException.class),
        input -> {
          ReputationEvent event = ReputationEvent.parse(new String(input, StandardCharsets.UTF_8));
          consume(event.signedBytes(), event.toLine());
          consume(event.unixSeconds());
        });
  }

  private static Target logTarget() {
    List<byte[]> lines =
        List.of(
            Vectors.utf8("reputation_log.event1_line"), Vectors.utf8("reputation_log.event2_line"));
    Generator line = Generators.json(lines);
    byte[][] separators = {
      utf8("\n"), utf8("\r\n"), utf8("\n\n"), utf8(" \t\n"), utf8("\r"), new byte[0]
    };
    Generator generator =
        r -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          int count = r.nextInt(6);
          for (int i = 0; i < count; i++) {
            byte[] next = r.nextInt(3) == 0 ? lines.get(r.nextInt(2)) : line.next(r);
            out.writeBytes(next);
            out.writeBytes(separators[r.nextInt(separators.length)]);
          }
          return r.nextInt(5) == 0
              ? Generators.mutate(r, out.toByteArray(), lines)
              : out.toByteArray();
        };
    SigningKey responder = Vectors.key("responder");
    Map<String, Ed25519PublicKey> actors =
        Map.of(responder.peerId().value(), responder.publicKey());
    String subject = Vectors.key("requester").peerId().value();
    return new Target(
        "ReputationLog.parse+verify",
        generator,
        List.of(ReputationLogException.class),
        input -> {
          ReputationLog log = ReputationLog.parse(new String(input, StandardCharsets.UTF_8));
          consume(log.nextPrevHash(), log.lines().size());
          consume(log.verify(actors).score(subject));
        });
  }
}
