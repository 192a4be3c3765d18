package io.hsip.policygateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CycloneDX SBOM that {@code ./mvnw package} writes (target/bom.json, cyclonedx-maven-plugin)
 * lists what the gateway ships, with versions and package URLs, and nothing it does not: no test
 * libraries. Runs after package, as an integration test.
 */
class SbomIT {

  @Test
  void thePackagedBuildHasACycloneDxSbomOfItsRuntimeDependencies() throws IOException {
    Path bom = Path.of("target", "bom.json");
    assertThat(bom).as("./mvnw package writes the SBOM").exists();
    JsonNode sbom = new ObjectMapper().readTree(bom.toFile());

    assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(sbom.path("metadata").path("component").path("name").asText())
        .isEqualTo("hsip-policy-gateway");

    List<String> components = new ArrayList<>();
    for (JsonNode c : sbom.path("components")) {
      assertThat(c.path("purl").asText()).as(c.path("name").asText()).startsWith("pkg:maven/");
      assertThat(c.path("version").asText()).as(c.path("name").asText()).isNotBlank();
      components.add(c.path("group").asText() + ":" + c.path("name").asText());
    }
    // The crypto, the framework, the policy language and the console are all accounted for ...
    assertThat(components)
        .contains(
            "org.bouncycastle:bcprov-jdk18on",
            "io.quarkus:quarkus-core",
            "dev.cel:cel",
            "com.vaadin:vaadin-core",
            "org.postgresql:postgresql");
    // ... and nothing that only the tests use is claimed to ship.
    assertThat(components)
        .noneMatch(
            c ->
                c.startsWith("org.junit")
                    || c.startsWith("io.rest-assured")
                    || c.startsWith("com.microsoft.playwright")
                    || c.startsWith("org.assertj")
                    || c.startsWith("org.openjdk.jmh"));
  }
}
