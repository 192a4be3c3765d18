package io.hsip.policygateway.cli;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsip peer-id}: the PeerID of a key file or of a public key. */
@Command(
    name = "peer-id",
    mixinStandardHelpOptions = true,
    description = "Print the PeerID (26 Base32 characters of BLAKE3 of the public key).")
final class PeerIdCommand extends CliCommand {

  static final class Source {
    @Option(
        names = "--key",
        description = "A key file (PEM, keystore.json, id_auth.json or id.json).")
    Path key;

    @Option(names = "--pub", description = "An Ed25519 public key, 64 lowercase hex.")
    String pub;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also print the public key in hex and Base64.")
  boolean verbose;

  @Override
  public Integer call() throws CliException {
    Ed25519PublicKey key =
        source.key != null
            ? CliFiles.readKey(source.key).publicKey()
            : CliFiles.publicKey(source.pub, "--pub");
    if (verbose) {
      out()
          .printf(
              Locale.ROOT,
              "peer_id: %s%npublic_key_hex: %s%npublic_key_b64: %s%n",
              key.peerId(),
              key.hex(),
              key.base64());
    } else {
      out().println(key.peerId());
    }
    return 0;
  }
}
