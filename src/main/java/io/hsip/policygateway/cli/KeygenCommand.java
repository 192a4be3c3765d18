package io.hsip.policygateway.cli;

import io.hsip.policygateway.hsip.keys.KeyFileFormat;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsip keygen}: a new Ed25519 identity, written owner-only; prints the PeerID, never the
 * secret.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a new Ed25519 identity key file (created with mode 0600).",
      "Formats: pem (PKCS#8, the gateway's), keystore (reference hsip-core keystore.json),",
      "id-auth (reference ~/.hsip/id_auth.json), id-export (reference key-export id.json)."
    })
final class KeygenCommand extends CliCommand {

  enum Format {
    PEM(KeyFileFormat.PKCS8_PEM),
    KEYSTORE(KeyFileFormat.CORE_KEYSTORE),
    ID_AUTH(KeyFileFormat.AUTH_ID),
    ID_EXPORT(KeyFileFormat.EXPORT_ID);

    final KeyFileFormat format;

    Format(KeyFileFormat format) {
      this.format = format;
    }
  }

  @Option(
      names = {"-o", "--out"},
      required = true,
      description = "Key file to create.")
  Path out;

  @Option(
      names = "--format",
      defaultValue = "pem",
      description = "pem, keystore, id_auth or id_export (default: pem).")
  Format format;

  @Option(names = "--force", description = "Replace an existing file.")
  boolean force;

  @Override
  public Integer call() throws CliException {
    SigningKey key = SigningKey.generate(new SecureRandom());
    try {
      KeyFiles.writeSecret(out, KeyFiles.encode(key, format.format), force);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(
          CliException.INPUT, out + " already exists; use --force to replace it");
    } catch (IOException e) {
      throw new CliException(
          CliException.INPUT, "cannot write " + out + ": " + e.getClass().getSimpleName());
    }
    out()
        .printf(
            Locale.ROOT,
            "peer_id: %s%npublic_key_hex: %s%nfile: %s%n",
            key.peerId(),
            key.publicKey().hex(),
            out);
    return 0;
  }
}
