package io.hsip.policygateway.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Configuration of the gateway's own identity. */
@ConfigMapping(prefix = "identity")
public interface IdentityConfig {

  /**
   * PKCS#8 PEM file with the gateway's Ed25519 signing key (a mounted Kubernetes Secret in
   * production).
   */
  Optional<Path> signingKeyFile();

  /**
   * Generate a throwaway key at {@link #signingKeyFile()} when the file is missing. Development and
   * tests only; production keeps it off so that a missing key is a loud readiness failure.
   */
  @WithDefault("false")
  boolean generateIfMissing();
}
