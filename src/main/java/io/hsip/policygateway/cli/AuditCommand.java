package io.hsip.policygateway.cli;

import io.hsip.policygateway.audit.bundle.BundleVerifier;
import io.hsip.policygateway.audit.bundle.VerificationReport;
import io.hsip.policygateway.hsip.identity.Ed25519PublicKey;
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
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {
        "Verify an export bundle: manifest signature and digests, every checkpoint signature, every entry's",
        "hash, order and canonical form, every signed root of the range, consistency with the anchor and the",
        "previous export, window coverage and counts. Exit 0 only if everything holds."
      })
  static final class Verify extends CliCommand {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The export bundle (.zip).")
    Path bundle;

    @Option(names = "--key", paramLabel = "HEX",
        description = "The gateway's Ed25519 public key you trust (64 hex, from GET /api/v1/identity).")
    String key;

    @Option(names = "--previous", paramLabel = "BUNDLE",
        description = "The previous export bundle: proves the log only grew since.")
    Path previous;

    @Override
    public Integer call() throws CliException {
      if (!Files.isRegularFile(bundle)) {
        throw new CliException(CliException.INPUT, bundle + " does not exist");
      }
      if (previous != null && !Files.isRegularFile(previous)) {
        throw new CliException(CliException.INPUT, previous + " does not exist");
      }
      Ed25519PublicKey pinned = key == null ? null : CliFiles.publicKey(key, "--key");
      VerificationReport report = BundleVerifier.verify(bundle, new BundleVerifier.Options(pinned, previous));
      report.print(out());
      if (pinned == null && report.verified()) {
        out().println("note: no --key given; the bundle is consistent with its own key, which you should compare"
            + " with the gateway's published key");
        out().flush();
      }
      return report.verified() ? 0 : CliException.REJECTED;
    }
  }
}
