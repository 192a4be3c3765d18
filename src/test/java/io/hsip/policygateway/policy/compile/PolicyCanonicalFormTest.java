package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canonical form reads back through the YAML reader as the same data, and departs from RFC 8785
 * only where it must.
 */
class PolicyCanonicalFormTest {

  private static final YamlTree.Limits LIMITS = new YamlTree.Limits(1_000, 8, 100, 10);

  @Test
  void everyUtf16CodeUnitLoadsBackAndOnlyWhatTheReaderRefusesRawIsEscapedBeyondRfc8785()
      throws Exception {
    List<String> notRoundTripped = new ArrayList<>();
    List<String> escapedBeyondRfc8785 = new ArrayList<>();
    for (int c = 0; c <= 0xffff; c++) {
      String value = "a" + (char) c + "b";
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("k", value);
      String canonical = PolicyCanonicalForm.of(node);
      if (!YamlTree.read(canonical, LIMITS).root().path("k").asText().equals(value)) {
        notRoundTripped.add(Integer.toHexString(c));
      }
      boolean rfc8785Raw = c >= 0x20 && c != '"' && c != '\\';
      if (rfc8785Raw && !canonical.equals("{\"k\":\"" + value + "\"}")) {
        escapedBeyondRfc8785.add(Integer.toHexString(c));
      }
    }
    assertThat(notRoundTripped).isEmpty();
    List<String> refusedRaw = new ArrayList<>();
    for (int c = 0x80; c <= 0x9f; c++) {
      if (c != 0x85) {
        refusedRaw.add(Integer.toHexString(c));
      }
    }
    for (int c = 0xd800; c <= 0xdfff; c++) {
      refusedRaw.add(Integer.toHexString(c)); // alone, not as a pair
    }
    refusedRaw.add("fffe");
    refusedRaw.add("ffff");
    assertThat(escapedBeyondRfc8785).containsExactlyElementsOf(refusedRaw);
  }

  @Test
  void surrogatePairsStayRawAndLoadBack() throws Exception {
    String value = "x\ud83d\ude00y\udbff\udfffz";
    String canonical =
        PolicyCanonicalForm.of(JsonNodeFactory.instance.objectNode().put("k", value));
    assertThat(canonical).isEqualTo("{\"k\":\"" + value + "\"}");
    assertThat(YamlTree.read(canonical, LIMITS).root().path("k").asText()).isEqualTo(value);
  }

  @Test
  void theBytesOfAPublishedFormStayExactlyAsPinned() {
    // Digests of published versions are stored and verified: numbers, nesting and escapes must
    // never change.
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode node = nodes.objectNode();
    node.putArray("z")
        .add(1)
        .add(nodes.numberNode(1.0))
        .add(nodes.numberNode(new java.math.BigInteger("12345678901234567890")))
        .add(true)
        .addNull()
        .add(
            nodes
                .objectNode()
                .put("b", "x\u0085\u0080\ud800y\u20ac\ud83d\ude00")
                .put("a", "\u001f\t\"\\/"));
    node.set("\u00e9", nodes.numberNode(new java.math.BigDecimal("1E+3")));
    node.put("", -7);
    String canonical = PolicyCanonicalForm.of(node);
    assertThat(canonical)
        .isEqualTo(
            "{\"\":-7,\"z\":[1,1,12345678901234567890,true,null,"
                + "{\"a\":\"\\u001f\\t\\\"\\\\/\",\"b\":\"x\u0085\\u0080\\ud800y\u20ac\ud83d\ude00\"}],\"\u00e9\":1000}");
    assertThat(
            io.hsip.policygateway.hsip.Sha256.hex(
                canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo("948169cfa832ad4dcb34ef53de09cb4b1e52803af21109099d71e35bf108bb60");
  }
}
