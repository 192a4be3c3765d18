package io.hsip.policygateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hsip.policygateway.audit.bundle.BundleVerifier;
import io.hsip.policygateway.audit.bundle.VerificationReport;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsip audit}: offline tools for auditors. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Audit-log tools for auditors (offline: no network, no database).",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

  private AuditCommand() {}

  /** {@code audit verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify an export bundle against the gateway's public key you trust (--key or --key-file): manifest",
        "signature and digests, every checkpoint signature, every entry's hash, order and canonical form, every",
        "signed root of the range, consistency with the anchor and the previous export, window coverage and",
        "counts. A verified bundle proves its entries are exactly the leaves [first_leaf, end_leaf) between",
        "two signed checkpoints. WARNING lines say what was not checked: without --previous, that the log was",
        "not truncated before this export. Exit 0 only if everything holds; 1 if something does not; 2 without",
        "a trusted key."
      })
  static final class Verify extends CliCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The export bundle (.zip).")
    Path bundle;

    @Option(
        names = "--key",
        paramLabel = "HEX",
        description =
            "The gateway's Ed25519 public key you trust (64 hex, from GET /api/v1/audit/public-key).")
    String key;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description =
            "A file holding the pinned gateway key: 64 hex, or the JSON of GET /api/v1/audit/public-key.")
    Path keyFile;

    @Option(
        names = "--previous",
        paramLabel = "BUNDLE",
        description =
            "The previous export bundle you verified: proves the log only grew since (without it,"
                + " truncation is not checked and the report warns).")
    Path previous;

    @Override
    public Integer call() throws CliException {
      Ed25519PublicKey pinned = pinnedKey();
      if (!Files.isRegularFile(bundle)) {
        throw new CliException(CliException.INPUT, bundle + " does not exist");
      }
      if (previous != null && !Files.isRegularFile(previous)) {
        throw new CliException(CliException.INPUT, previous + " does not exist");
      }
      VerificationReport report =
          BundleVerifier.verify(bundle, new BundleVerifier.Options(pinned, previous));
      report.print(out());
      return report.verified() ? 0 : CliException.REJECTED;
    }

    /**
     * The key the auditor trusts: never the bundle's own, which an attacker who rewrote the bundle
     * also chose.
     */
    private Ed25519PublicKey pinnedKey() throws CliException {
      if (key != null && keyFile != null) {
        throw new CliException(
            CliException.USAGE, "audit verify takes --key or --key-file, not both");
      }
      if (key != null) {
        return CliFiles.publicKey(key.strip(), "--key");
      }
      if (keyFile != null) {
        String text = new String(CliFiles.read(keyFile), StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
          try {
            text = ObjectMappers.standard().readTree(text).path("public_key_hex").asText("");
          } catch (JsonProcessingException e) {
            throw new CliException(
                CliException.INPUT, "--key-file: " + keyFile + " is neither 64 hex nor JSON");
          }
        }
        return CliFiles.publicKey(text, "--key-file");
      }
      throw new CliException(
          CliException.USAGE,
          "audit verify needs the gateway's public key you trust: pass --key HEX"
              + " or --key-file FILE (from GET /api/v1/audit/public-key); a bundle checked only against the key it carries"
              + " proves nothing");
    }
  }
}
