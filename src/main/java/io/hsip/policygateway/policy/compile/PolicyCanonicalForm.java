package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.json.JsonStrings;

/**
 * The canonical form of a policy document: RFC 8785 canonical JSON ({@link CanonicalJson}), except
 * that the few characters the YAML reader refuses raw (C1 controls {@code U+0080}–{@code U+009F}
 * other than {@code U+0085}, {@code U+FFFE}, {@code U+FFFF} and unpaired surrogates) are written as
 * JSON &#92;uXXXX escapes too, and that integers of any size are written exactly. Every replica
 * loads the stored canonical form back through the YAML reader, so it must read back as exactly the
 * same data; RFC 8785 would write those characters raw and refuse the surrogates. Everything else
 * stays as RFC 8785 writes it, so the digest of any document that could be loaded before is
 * unchanged. Reformatting a YAML file or reordering its keys leaves the canonical form, and so the
 * digest, unchanged.
 */
public final class PolicyCanonicalForm {

  private static final CanonicalJson.Profile PROFILE =
      new CanonicalJson.Profile(
          JsonStrings.LoneSurrogates.ESCAPE,
          PolicyCanonicalForm::yamlRefusesRaw,
          PolicyCanonicalForm::integer);

  private PolicyCanonicalForm() {}

  /** The canonical text of {@code node}. */
  public static String of(JsonNode node) {
    return CanonicalJson.text(node, PROFILE);
  }

  private static String integer(JsonNode node) {
    if (!node.canConvertToExactIntegral()) {
      throw new IllegalArgumentException("policy documents hold integers only, found " + node);
    }
    return node.bigIntegerValue().toString();
  }

  /** The code units, besides controls and lone surrogates, that the YAML reader refuses raw. */
  private static boolean yamlRefusesRaw(int c) {
    return (c >= 0x80 && c <= 0x9f && c != 0x85) || c >= 0xfffe;
  }
}
