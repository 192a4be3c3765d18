package io.hsip.policygateway.identity;

import io.hsip.policygateway.base.error.ProblemType;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.KeyFileException;
import io.hsip.policygateway.hsip.keys.KeyFileFormat;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own Ed25519 identity: the key that signs consent responses and audit checkpoints.
 *
 * <p>The key comes only from a PKCS#8 PEM file. If the file is missing or invalid the gateway still
 * starts, but readiness reports DOWN and every signing attempt fails, so decisions fail closed. In
 * development a throwaway key may be generated (with a loud warning). Key material is never logged.
 */
@ApplicationScoped
@Startup
public class GatewayIdentity {

  /** The gateway has no usable signing key, so it cannot sign anything (and denies consent). */
  public static final ProblemType SIGNING_KEY_UNAVAILABLE =
      ProblemType.of(503, "signing-key-unavailable", "Signing key unavailable");

  private final IdentityConfig config;
  private volatile Optional<SigningKey> key = Optional.empty();
  private volatile String problem = "not loaded yet";

  private final LaunchMode launchMode;

  @Inject
  GatewayIdentity(IdentityConfig config) {
    this(config, LaunchMode.current());
  }

  GatewayIdentity(IdentityConfig config, LaunchMode launchMode) {
    this.config = config;
    this.launchMode = launchMode;
  }

  @PostConstruct
  void load() {
    Optional<Path> file = config.signingKeyFile();
    if (file.isEmpty()) {
      fail(null, "no signing key file configured (identity.signing-key-file)");
      return;
    }
    Path path = file.get();
    if (!Files.exists(path) && config.generateIfMissing()) {
      if (!launchMode.isDevOrTest()) {
        // Every replica would mint its own unpinned key: consent answers and checkpoints signed by
        // strangers.
        fail(
            path,
            "identity.generate-if-missing is for development and tests only; mount a key file at"
                + " identity.signing-key-file");
        return;
      }
      generate(path);
    }
    try {
      byte[] content = readKeyFile(path);
      if (KeyFiles.detect(content) != KeyFileFormat.PKCS8_PEM) {
        fail(path, "signing key file must be PKCS#8 PEM (BEGIN PRIVATE KEY)");
        return;
      }
      SigningKey loaded = KeyFiles.parse(content);
      warnIfReadableByOthers(path);
      key = Optional.of(loaded);
      problem = "";
      Log.infof("Gateway identity loaded from %s: PeerID %s", path, loaded.peerId());
    } catch (KeyFileException e) {
      fail(path, e.getMessage());
    }
  }

  /** The signing key, or an exception that makes the caller fail closed. */
  public SigningKey signingKey() {
    // Clients learn only that there is no key; operators find the reason in readiness and the log.
    return key.orElseThrow(
        () ->
            SIGNING_KEY_UNAVAILABLE.exception(
                "The gateway has no usable signing key; it cannot sign anything until one is mounted."));
  }

  /** The public key, if a signing key is loaded. */
  public Optional<Ed25519PublicKey> publicKey() {
    return key.map(SigningKey::publicKey);
  }

  /**
   * Why no key is loaded; empty when one is. Readiness shows it to anyone who can reach the
   * management port, so it never names the key file's path (only the operator log line does).
   */
  public String problem() {
    return problem;
  }

  private void generate(Path path) {
    SigningKey generated = SigningKey.generate(new SecureRandom());
    try {
      KeyFiles.writeSecret(path, KeyFiles.toPem(generated), false);
      Log.warnf(
          "GENERATED A THROWAWAY SIGNING KEY at %s (PeerID %s). Development only: production must mount"
              + " its own key file and keep identity.generate-if-missing=false.",
          path.toAbsolutePath(), generated.peerId());
    } catch (IOException e) {
      fail(path, "cannot write a generated signing key: " + reason(e));
    }
  }

  private static byte[] readKeyFile(Path path) throws KeyFileException {
    return KeyFiles.readSecretFile(path, "signing key file");
  }

  private static void warnIfReadableByOthers(Path path) {
    if (KeyFiles.isAccessibleToOthers(path)) {
      Log.warnf(
          "Signing key file %s is accessible to group or others; restrict it to 0400 or 0600",
          path);
    }
  }

  /** A short, stable reason for an I/O failure, for readiness and the log. */
  private static String reason(IOException e) {
    return KeyFiles.ioReason(e);
  }

  private void fail(@Nullable Path path, String reason) {
    key = Optional.empty();
    problem = reason;
    Log.errorf(
        "No gateway signing key (identity.signing-key-file=%s): %s. Readiness is DOWN and consent"
            + " requests are denied.",
        path, reason);
  }
}
