package io.hsip.policygateway.hsip.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our RFC 9162 verifiers against the reference's public proof vectors
 * (src/test/resources/hsip/vectors/transparency-dev-merkle): every probe the reference accepts
 * verifies, and every probe it rejects is refused with a {@link ProofException}; the one probe the
 * reference accepts only because it never looks at the roots is refused, with its exact message.
 */
class TransparencyDevVectorsTest {

  private static final String ROOT = "/hsip/vectors/transparency-dev-merkle/";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Probes the reference accepts and we refuse, with our message. The reference compares the roots
   * of equal tree sizes byte for byte without looking at them, so it calls two equal 12-byte
   * "roots" consistent; we refuse any root that is not 32 bytes, as for every other hash.
   */
  private static final Map<String, String> STRICTER_THAN_REFERENCE =
      Map.of(
          "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
          "consistency proof from tree size 1 to 1: first root is 12 bytes, not 32");

  static Stream<String> inclusion() {
    return probes("inclusion").stream();
  }

  static Stream<String> consistency() {
    return probes("consistency").stream();
  }

  @Test
  void vectorSet_isComplete() {
    assertThat(probes("inclusion")).hasSize(98);
    assertThat(probes("consistency")).hasSize(98);
    long valid =
        Stream.concat(inclusion(), consistency())
            .filter(name -> !read(name).get("wantErr").booleanValue())
            .count();
    assertThat(valid).isEqualTo(12);
  }

  /** The four probes our verifiers accepted before they checked hash lengths and size-0 roots. */
  @Test
  void formerlyAccepted_refusedWithExactMessages() {
    assertThat(outcome("inclusion/single-entry/empty-root-and-leaf.json"))
        .hasMessage("inclusion proof of leaf 0 in tree size 1: leaf hash is 0 bytes, not 32");
    assertThat(outcome("consistency/additional/sizes-are-equal-zero-and-proof-is-empty.json"))
        .hasMessage("consistency proof from tree size 0 to 0: first root is 12 bytes, not 32");
    assertThat(outcome("consistency/additional/size1-is-zero-and-does-not-equal-size2.json"))
        .hasMessage("consistency proof from tree size 0 to 1: first root is 12 bytes, not 32");
    assertThat(outcome("consistency/additional/size1-is-zero-and-size2-is-not-zero.json"))
        .hasMessage("consistency proof from tree size 0 to 1: second root is 12 bytes, not 32");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusion")
  void inclusion_sameVerdictAsReference(String name) {
    expectVerdict(name, read(name), outcome(name));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistency")
  void consistency_sameVerdictAsReference(String name) {
    expectVerdict(name, read(name), outcome(name));
  }

  /** What our verifier throws for the probe in {@code name}, or null if it verifies. */
  private static Throwable outcome(String name) {
    JsonNode p = read(name);
    if (name.startsWith("inclusion/")) {
      return catchThrowable(
          () ->
              InclusionProofVerifier.verify(
                  unsigned(p, "leafIdx"),
                  unsigned(p, "treeSize"),
                  bytes(p.get("leafHash")),
                  hashes(p.get("proof")),
                  bytes(p.get("root"))));
    }
    return catchThrowable(
        () ->
            ConsistencyProofVerifier.verify(
                unsigned(p, "size1"),
                unsigned(p, "size2"),
                bytes(p.get("root1")),
                bytes(p.get("root2")),
                hashes(p.get("proof"))));
  }

  /**
   * Refused with a {@link ProofException} exactly when the reference refuses, except for the probes
   * in {@link #STRICTER_THAN_REFERENCE}.
   */
  private static void expectVerdict(String name, JsonNode probe, Throwable thrown) {
    String what = name + " (" + probe.get("desc").textValue() + ")";
    String stricter = STRICTER_THAN_REFERENCE.get(name);
    if (stricter != null) {
      assertThat(probe.get("wantErr").booleanValue())
          .as(what + " is valid for the reference")
          .isFalse();
      assertThat(thrown)
          .as(what + " must be refused")
          .isInstanceOf(ProofException.class)
          .hasMessage(stricter);
    } else if (probe.get("wantErr").booleanValue()) {
      assertThat(thrown).as(what + " must be refused").isInstanceOf(ProofException.class);
    } else {
      assertThat(thrown).as(what + " must verify").isNull();
    }
  }

  /** The vector files under {@code dir}, as paths relative to the vector root, sorted. */
  private static List<String> probes(String dir) {
    URL url = TransparencyDevVectorsTest.class.getResource(ROOT + dir);
    if (url == null) {
      throw new IllegalStateException(ROOT + dir + " is not on the test class path");
    }
    try {
      Path base = Path.of(url.toURI()).getParent();
      try (Stream<Path> files = Files.walk(base.resolve(dir))) {
        List<String> names = new ArrayList<>();
        files
            .filter(f -> f.getFileName().toString().endsWith(".json"))
            .map(f -> base.relativize(f).toString().replace('\\', '/'))
            .sorted()
            .forEach(names::add);
        return names;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String name) {
    try (var in = TransparencyDevVectorsTest.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " is not on the test class path");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A Go {@code uint64}; values of 2^63 and above (Go's {@code 0 - 1}) become the negative {@code
   * long} a Java caller would pass.
   */
  private static long unsigned(JsonNode probe, String field) {
    return Long.parseUnsignedLong(probe.get(field).asText());
  }

  /** A Go {@code []byte}: base64, with JSON null for nil. */
  private static byte[] bytes(JsonNode node) {
    return node == null || node.isNull() ? new byte[0] : Base64.getDecoder().decode(node.asText());
  }

  /** A Go {@code [][]byte}: JSON null for a nil (empty) proof. */
  private static List<byte[]> hashes(JsonNode node) {
    List<byte[]> out = new ArrayList<>();
    if (node != null && !node.isNull()) {
      node.forEach(h -> out.add(bytes(h)));
    }
    return out;
  }
}
