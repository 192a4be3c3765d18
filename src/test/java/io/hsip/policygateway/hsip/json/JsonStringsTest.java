package io.hsip.policygateway.hsip.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.json.JsonStrings.LoneSurrogates;
import org.junit.jupiter.api.Test;

class JsonStringsTest {

  private static String quote(String value, LoneSurrogates lone) {
    StringBuilder out = new StringBuilder();
    JsonStrings.appendQuoted(out, value, lone);
    return out.toString();
  }

  @Test
  void escapesAsRfc8785Does() {
    assertThat(quote("q\"b\\\b\f\n\r\t\u0000\u001f\u007f\u00e9\ud83d\ude00", LoneSurrogates.REFUSE))
        .isEqualTo("\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u00e9\ud83d\ude00\"");
  }

  @Test
  void loneSurrogatesAreKeptEscapedOrRefused() {
    assertThat(quote("a\ud800b\udc00", LoneSurrogates.KEEP)).isEqualTo("\"a\ud800b\udc00\"");
    assertThat(quote("a\ud800b\udc00", LoneSurrogates.ESCAPE)).isEqualTo("\"a\\ud800b\\udc00\"");
    assertThatThrownBy(() -> quote("a\udc00", LoneSurrogates.REFUSE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("string contains an unpaired surrogate");
  }

  @Test
  void callersCanEscapeMore() {
    StringBuilder out = new StringBuilder();
    JsonStrings.appendQuoted(out, "a\u009bb", LoneSurrogates.ESCAPE, c -> c == 0x9b);
    assertThat(out).hasToString("\"a\\u009bb\"");
  }
}
