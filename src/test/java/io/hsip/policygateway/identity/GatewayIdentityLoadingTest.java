package io.hsip.policygateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.quarkus.runtime.LaunchMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the gateway key is loaded, without starting the service. */
class GatewayIdentityLoadingTest {

  @TempDir Path dir;

  private static IdentityConfig config(Path file, boolean generate) {
    return new IdentityConfig() {
      @Override
      public Optional<Path> signingKeyFile() {
        return Optional.of(file);
      }

      @Override
      public boolean generateIfMissing() {
        return generate;
      }
    };
  }

  @Test
  void productionNeverGeneratesAKeyEvenWhenAskedTo() {
    Path file = dir.resolve("signing-key.pem");
    GatewayIdentity identity = new GatewayIdentity(config(file, true), LaunchMode.NORMAL);
    identity.load();
    assertThat(Files.exists(file)).isFalse();
    assertThat(identity.publicKey()).isEmpty();
    assertThat(identity.problem())
        .startsWith("identity.generate-if-missing is for development and tests only");
    assertThatThrownBy(identity::signingKey)
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", GatewayIdentity.SIGNING_KEY_UNAVAILABLE)
        .hasMessageNotContaining(file.toString());
  }

  @Test
  void developmentGeneratesAnOwnerOnlyKeyOnce() throws Exception {
    Path file = dir.resolve("dev.pem");
    GatewayIdentity first = new GatewayIdentity(config(file, true), LaunchMode.DEVELOPMENT);
    first.load();
    GatewayIdentity second = new GatewayIdentity(config(file, true), LaunchMode.DEVELOPMENT);
    second.load();
    assertThat(second.signingKey().publicKey()).isEqualTo(first.signingKey().publicKey());
  }

  @Test
  void aMountedPemIsLoadedAndOtherFormatsAreRefused() throws Exception {
    SigningKey key = SigningKey.generate(new SecureRandom());
    Path pem = dir.resolve("key.pem");
    KeyFiles.writeSecret(pem, KeyFiles.toPem(key), false);
    GatewayIdentity identity = new GatewayIdentity(config(pem, false), LaunchMode.NORMAL);
    identity.load();
    assertThat(identity.signingKey().publicKey()).isEqualTo(key.publicKey());

    Path json = dir.resolve("keystore.json");
    KeyFiles.writeSecret(json, KeyFiles.toCoreKeystoreJson(key), false);
    GatewayIdentity refused = new GatewayIdentity(config(json, false), LaunchMode.NORMAL);
    refused.load();
    assertThat(refused.publicKey()).isEmpty();
    assertThat(refused.problem())
        .isEqualTo("signing key file must be PKCS#8 PEM (BEGIN PRIVATE KEY)");
  }

  @Test
  void anUnreadableFileIsReportedWithoutClassNames() throws Exception {
    Path pem = dir.resolve("locked.pem");
    KeyFiles.writeSecret(pem, KeyFiles.toPem(SigningKey.generate(new SecureRandom())), false);
    Files.setPosixFilePermissions(pem, java.util.Set.of());
    GatewayIdentity identity = new GatewayIdentity(config(pem, false), LaunchMode.NORMAL);
    identity.load();
    // Root reads any file regardless of its mode; only assert where the permission check applies.
    if (identity.publicKey().isEmpty()) {
      assertThat(identity.problem()).isEqualTo("cannot read signing key file: permission denied");
    }
  }
}
