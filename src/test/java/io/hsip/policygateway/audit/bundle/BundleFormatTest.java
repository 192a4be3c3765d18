package io.hsip.policygateway.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.bundle.BundleFormat.EntryLine;
import io.hsip.policygateway.audit.bundle.BundleFormat.KeyFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.ProofFile;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records of the bundle format: one definition of the members, written canonically and read
 * strictly.
 */
class BundleFormatTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theFastEntryLineIsTheCanonicalEncodingOfTheRecord() {
    byte[] entry =
        utf8(
            "{\"action\":\"a\",\"kind\":\"admin-change\",\"schema\":1,\"seq\":7,\"x\":\"\u20ac\"}");
    byte[] fast = EntryLine.encode(entry, "ab".repeat(32), 42);
    byte[] record =
        BundleFormat.encode(new EntryLine(CanonicalJson.parseObject(entry), "ab".repeat(32), 42));
    assertThat(new String(fast, StandardCharsets.UTF_8))
        .isEqualTo(new String(record, StandardCharsets.UTF_8) + "\n");
  }

  @Test
  void recordsAreWrittenInSnakeCaseWithNullsAndReadBack() {
    ProofFile proof =
        new ProofFile(0, null, 0, 0, List.of(), List.of(), null, null, null, null, List.of());
    byte[] bytes = BundleFormat.encode(proof);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"anchor\":null,\"boundary_consistency\":[],\"consistency_to_anchor\":[],"
                + "\"end_leaf\":0,\"end_witness\":null,\"first_leaf\":0,\"frontier\":[],\"previous\":null,"
                + "\"start_checkpoint\":null,\"start_witness\":null,\"tree_size\":0}");
    assertThat(BundleFormat.decode(CanonicalJson.parseObject(bytes), ProofFile.class))
        .isEqualTo(proof);
  }

  @Test
  void aFormatOneProofIsReadWithTheMembersFormatTwoAddedAsNull() {
    byte[] v1 =
        ("{\"anchor\":null,\"consistency_to_anchor\":[],\"end_leaf\":0,\"end_witness\":null,"
                + "\"first_leaf\":0,\"frontier\":[],\"previous\":null,\"start_witness\":null,"
                + "\"tree_size\":0}")
            .getBytes(StandardCharsets.UTF_8);
    // Format 2 requires the new members; a format 1 document is read only through upgradeV1.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> BundleFormat.decode(CanonicalJson.parseObject(v1), ProofFile.class))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            BundleFormat.decode(
                BundleFormat.upgradeV1(
                    CanonicalJson.parseObject(v1), BundleFormat.PROOF_V2_MEMBERS),
                ProofFile.class))
        .isEqualTo(
            new ProofFile(0, null, 0, 0, List.of(), List.of(), null, null, null, null, null));
  }

  @Test
  void aCheckpointLineIsOneCanonicalJsonString() {
    byte[] line = BundleFormat.checkpointLine("origin\n1\nroot\n\n\u2014 sig\n");
    assertThat(new String(line, StandardCharsets.UTF_8))
        .isEqualTo("\"origin\\n1\\nroot\\n\\n\u2014 sig\\n\"\n");
    assertThat(Arrays.copyOf(line, line.length - 1))
        .isEqualTo(
            CanonicalJson.encode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(
                    "origin\n1\nroot\n\n\u2014 sig\n")));
  }

  @Test
  void readingRefusesMissingMistypedAndUnknownMembers() {
    assertThatThrownBy(
            () ->
                BundleFormat.decode(
                    CanonicalJson.parseObject(utf8("{\"origin\":\"o\",\"peer_id\":\"p\"}")),
                    KeyFile.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public_key_hex");
    assertThatThrownBy(
            () ->
                BundleFormat.decode(
                    CanonicalJson.parseObject(
                        utf8(
                            "{\"origin\":\"o\",\"peer_id\":\"p\",\"public_key_hex\":\"k\",\"x\":1}")),
                    KeyFile.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x");
    assertThatThrownBy(
            () ->
                BundleFormat.decode(
                    CanonicalJson.parseObject(
                        utf8("{\"entry\":{},\"leaf_hash\":\"h\",\"leaf_index\":\"1\"}")),
                    EntryLine.class))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
