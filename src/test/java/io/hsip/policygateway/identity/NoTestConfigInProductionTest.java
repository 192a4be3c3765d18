package io.hsip.policygateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What goes into the production jar ({@code target/classes}) carries no test issuer key and no
 * test-profile OIDC settings: a jar that trusted the test issuer would accept tokens anyone with
 * the repository can mint.
 */
class NoTestConfigInProductionTest {

  @Test
  void productionResourcesHoldNoTestIssuerKeyOrTestOidcSettings() throws IOException {
    String publicKey =
        Files.readString(Path.of("src/test/resources/oidc/test-issuer-public.pem"))
            .lines()
            .filter(line -> !line.startsWith("-----"))
            .reduce("", String::concat);
    assertThat(publicKey).hasSizeGreaterThan(100);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("target/classes"))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(content).as(file.toString()).doesNotContain(publicKey.substring(0, 64));
      assertThat(content).as(file.toString()).doesNotContain("%test.quarkus.oidc");
    }
  }
}
