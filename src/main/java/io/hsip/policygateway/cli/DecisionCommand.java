package io.hsip.policygateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.gateway.receipt.DecisionReceipts;
import io.hsip.policygateway.gateway.receipt.ReceiptException;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsip decision}: offline tools for decision receipts. */
@Command(
    name = "decision",
    mixinStandardHelpOptions = true,
    description = "Decision receipt tools (offline: no network, no database).",
    subcommands = {DecisionCommand.Verify.class})
final class DecisionCommand {

  private DecisionCommand() {}

  /** {@code decision verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify a decision receipt (the `receipt` member of a POST /api/v1/decisions answer, or the whole",
        "answer) against the gateway public key you trust, and print what it says. Exit 0 if the signature",
        "verifies; 1 if it does not or the receipt is malformed; 3 if a file cannot be read."
      })
  static final class Verify extends CliCommand {
    @Option(
        names = "--receipt",
        required = true,
        paramLabel = "FILE",
        description = "The receipt JSON.")
    Path receipt;

    @Option(
        names = "--gateway-pub",
        required = true,
        paramLabel = "HEX|FILE",
        description =
            "The gateway's Ed25519 public key you trust: 64 hex, or a file holding the hex or the"
                + " JSON of GET /api/v1/identity.")
    String gatewayPub;

    @Override
    public Integer call() throws CliException {
      Ed25519PublicKey key = pinnedKey();
      JsonNode json;
      try {
        json = ObjectMappers.strict().readTree(CliFiles.read(receipt));
      } catch (IOException e) {
        throw new CliException(CliException.REJECTED, receipt + " is not JSON");
      }
      if (json != null && json.has("receipt") && !json.has("payload")) {
        json = json.get("receipt");
      }
      if (json == null) {
        throw new CliException(CliException.REJECTED, receipt + " is empty");
      }
      JsonNode payload;
      try {
        payload = DecisionReceipts.verify(json, key);
      } catch (ReceiptException e) {
        out().println("INVALID: " + e.getMessage());
        return CliException.REJECTED;
      }
      out()
          .printf(
              Locale.ROOT,
              "VALID receipt signed by gateway %s%neffect: %s%nttl_ms: %s%nreason: %s%n"
                  + "request_hash: %s%nrequester_peer_id: %s%ntarget_peer_id: %s%npolicy: %s%n"
                  + "audit_seq: %s%ndecided_at_ms: %s%n",
              key.peerId(),
              payload.path("effect").asText(),
              payload.path("ttl_ms").asText(),
              payload.path("reason").asText(),
              payload.path("request_hash").asText(),
              payload.path("requester_peer_id").asText(),
              payload.path("target_peer_id").asText(),
              payload.path("policy").toString(),
              payload.path("audit_seq").asText(),
              payload.path("decided_at_ms").asText());
      return 0;
    }

    /** The trusted key: hex on the command line, or read from a file. */
    private Ed25519PublicKey pinnedKey() throws CliException {
      String value = gatewayPub.strip();
      if (value.matches("[0-9a-f]{64}")) {
        return CliFiles.publicKey(value, "--gateway-pub");
      }
      Path file = Path.of(value);
      if (!Files.isRegularFile(file)) {
        throw new CliException(
            CliException.INPUT, "--gateway-pub: neither 64 lowercase hex nor a readable file");
      }
      String text = new String(CliFiles.read(file), StandardCharsets.UTF_8).strip();
      if (text.startsWith("{")) {
        try {
          text = ObjectMappers.strict().readTree(text).path("public_key_hex").asText("");
        } catch (IOException e) {
          throw new CliException(CliException.INPUT, "--gateway-pub: " + file + " is not JSON");
        }
      }
      return CliFiles.publicKey(text, "--gateway-pub");
    }
  }
}
