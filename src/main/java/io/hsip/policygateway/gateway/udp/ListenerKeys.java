package io.hsip.policygateway.gateway.udp;

import io.hsip.policygateway.hsip.keys.KeyFileException;
import io.hsip.policygateway.hsip.keys.KeyFileFormat;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Loads a listener's key as the gateway loads its own ({@code identity.GatewayIdentity}): PKCS#8
 * PEM only, a throwaway key generated when missing only in development and tests. Key material is
 * never logged.
 */
final class ListenerKeys {

  private ListenerKeys() {}

  /**
   * The key of listener {@code name}.
   *
   * @param devOrTest whether generating a missing key is allowed at all
   * @throws KeyFileException with a message that names no path (readiness shows it)
   */
  static SigningKey load(String name, Path path, boolean generateIfMissing, boolean devOrTest)
      throws KeyFileException {
    if (!Files.exists(path) && generateIfMissing) {
      if (!devOrTest) {
        throw new KeyFileException(
            "gateway.listeners."
                + name
                + ".generate-if-missing is for development and tests only; mount a key file");
      }
      SigningKey generated = SigningKey.generate(new SecureRandom());
      try {
        KeyFiles.writeSecret(path, KeyFiles.toPem(generated), false);
      } catch (IOException e) {
        throw new KeyFileException("cannot write a generated key: " + KeyFiles.ioReason(e));
      }
      Log.warnf(
          "GENERATED A THROWAWAY KEY for HSIP listener %s at %s (PeerID %s). Development only.",
          name, path.toAbsolutePath(), generated.peerId());
    }
    byte[] content = KeyFiles.readSecretFile(path, "listener key file");
    if (KeyFiles.detect(content) != KeyFileFormat.PKCS8_PEM) {
      throw new KeyFileException("listener key file must be PKCS#8 PEM (BEGIN PRIVATE KEY)");
    }
    SigningKey key = KeyFiles.parse(content);
    if (KeyFiles.isAccessibleToOthers(path)) {
      Log.warnf("Key file %s of listener %s is accessible to group or others", path, name);
    }
    return key;
  }
}
