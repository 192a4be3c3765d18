package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.json.JsonStrings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The canonical form of a policy document: JSON with object keys sorted by UTF-16 code units, no
 * insignificant whitespace and RFC 8785 string escaping, except that the few characters the YAML reader
 * refuses raw (C1 controls {@code U+0080}–{@code U+009F} other than {@code U+0085}, {@code U+FFFE},
 * {@code U+FFFF} and unpaired surrogates) are written as JSON &#92;uXXXX escapes too. Every replica
 * loads the stored canonical form back through the YAML reader, so it must read back as exactly the same
 * data; RFC 8785 would write those characters raw. Everything else stays as RFC 8785 writes it, so the
 * digest of any document that could be loaded before is unchanged. Reformatting a YAML file or reordering
 * its keys leaves the canonical form, and so the digest, unchanged.
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  /** The canonical text of {@code node}. */
  public static String of(JsonNode node) {
    StringBuilder out = new StringBuilder(1024);
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        // String.compareTo orders by UTF-16 code units, as RFC 8785 §3.2.3 requires.
        fields.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : fields) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(field.getKey(), out);
          out.append(':');
          write(field.getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        Iterator<JsonNode> items = node.elements();
        boolean first = true;
        while (items.hasNext()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(items.next(), out);
        }
        out.append(']');
      }
      case STRING -> string(node.textValue(), out);
      case NUMBER -> {
        if (!node.canConvertToExactIntegral()) {
          throw new IllegalArgumentException("policy documents hold integers only, found " + node);
        }
        out.append(node.bigIntegerValue());
      }
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL -> out.append("null");
      default -> throw new IllegalArgumentException("unsupported JSON value " + node.getNodeType());
    }
  }

  private static void string(String value, StringBuilder out) {
    JsonStrings.appendQuoted(out, value, JsonStrings.LoneSurrogates.ESCAPE, CanonicalJson::yamlRefusesRaw);
  }

  /** The code units, besides controls and lone surrogates, that the YAML reader refuses raw. */
  private static boolean yamlRefusesRaw(int c) {
    return (c >= 0x80 && c <= 0x9f && c != 0x85) || c >= 0xfffe;
  }
}
