package io.hsip.policygateway.cli;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.token.Capability;
import io.hsip.policygateway.hsip.token.CapabilityToken;
import io.hsip.policygateway.hsip.token.TokenException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsip token}: the reference CLI's capability tokens (docs/protocol.md#capability-tokens).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Capability tokens, compatible with the reference's token-issue/token-verify files.",
    subcommands = {TokenCommand.Issue.class, TokenCommand.Verify.class})
final class TokenCommand {

  private TokenCommand() {}

  /** {@code token issue}. */
  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = "Issue a capability token.")
  static final class Issue extends CliCommand {
    @Option(names = "--key", required = true, description = "Issuer key file.")
    Path key;

    @Option(
        names = "--grantee",
        required = true,
        description = "Who receives the token (normally a PeerID).")
    String grantee;

    @Option(
        names = "--caps",
        required = true,
        split = ",",
        description = "Capabilities: session, filetransfer, voice, hello, ping (comma-separated).")
    List<String> caps;

    @Option(names = "--ttl-ms", required = true, description = "Validity from now, in ms.")
    long ttlMs;

    @Option(
        names = {"-o", "--out"},
        description = "Write the token here instead of stdout.")
    Path out;

    @Override
    public Integer call() throws CliException {
      List<Capability> capabilities = new ArrayList<>();
      for (String name : caps) {
        // The reference silently maps unknown names to session; granting more than asked is wrong.
        capabilities.add(
            Capability.fromWire(name.trim())
                .orElseThrow(
                    () ->
                        new CliException(
                            2,
                            "unknown capability \""
                                + name
                                + "\" (known: session, filetransfer, voice, hello, ping)")));
      }
      long now = clock().millis();
      if (ttlMs <= 0 || ttlMs > Long.MAX_VALUE - now || grantee.isBlank()) {
        throw new CliException(
            2, "--ttl-ms must be positive (without overflowing the clock) and --grantee non-empty");
      }
      SigningKey issuer = CliFiles.readKey(key);
      CapabilityToken token = CapabilityToken.issue(issuer, grantee, capabilities, now + ttlMs);
      CliFiles.writeDocument(out, token.toPrettyJson(), out());
      return 0;
    }
  }

  /** {@code token verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Verify a capability token.")
  static final class Verify extends CliCommand {
    @Option(
        names = {"--token", "--file"},
        required = true,
        description = "Token file.")
    Path token;

    @Option(
        names = {"--issuer-pub", "--issuer-vk-hex"},
        required = true,
        description = "Issuer public key, 64 hex.")
    String issuerPub;

    @Option(
        names = "--at",
        paramLabel = "UNIX_MS",
        description = "Check expiry as of this instant instead of now.")
    Long atMs;

    @Override
    public Integer call() throws CliException {
      Ed25519PublicKey issuer = CliFiles.publicKey(issuerPub, "--issuer-pub");
      CapabilityToken parsed;
      try {
        parsed = CapabilityToken.parse(CliFiles.read(token));
      } catch (TokenException e) {
        throw new CliException(CliException.INPUT, token + ": " + e.getMessage());
      }
      try {
        parsed.verify(issuer, atMs != null ? atMs : clock().millis());
      } catch (TokenException e) {
        throw new CliException(CliException.REJECTED, "REJECTED: " + e.getMessage());
      }
      out()
          .printf(
              Locale.ROOT,
              "OK: %s grants %s to %s until %s%n",
              parsed.issuer(),
              parsed.capabilities().stream().map(Capability::wire).toList(),
              parsed.grantee(),
              Instant.ofEpochMilli(parsed.expiresAtMs()));
      return 0;
    }
  }
}
