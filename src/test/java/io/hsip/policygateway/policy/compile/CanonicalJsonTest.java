package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.policy.internal.YamlTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canonical form reads back through the YAML reader as the same data, and departs from RFC 8785 only where it must. */
class CanonicalJsonTest {

  private static final YamlTree.Limits LIMITS = new YamlTree.Limits(1_000, 8, 100, 10);

  @Test
  void everyUtf16CodeUnitLoadsBackAndOnlyWhatTheReaderRefusesRawIsEscapedBeyondRfc8785() throws Exception {
    List<String> notRoundTripped = new ArrayList<>();
    List<String> escapedBeyondRfc8785 = new ArrayList<>();
    for (int c = 0; c <= 0xffff; c++) {
      String value = "a" + (char) c + "b";
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("k", value);
      String canonical = CanonicalJson.of(node);
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
    String canonical = CanonicalJson.of(JsonNodeFactory.instance.objectNode().put("k", value));
    assertThat(canonical).isEqualTo("{\"k\":\"" + value + "\"}");
    assertThat(YamlTree.read(canonical, LIMITS).root().path("k").asText()).isEqualTo(value);
  }
}
