package io.hsip.policygateway.hsip.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

/**
 * RFC 8785 canonical JSON: the RFC's own examples and an independent implementation agree with
 * ours.
 */
class CanonicalJsonTest {

  private static String canonical(String json) {
    return new String(
        CanonicalJson.encode(CanonicalJson.parseObject(json.getBytes(StandardCharsets.UTF_8))),
        StandardCharsets.UTF_8);
  }

  @Test
  void sortsMembersByUtf16CodeUnits() {
    // RFC 8785 §3.2.3: the sorting example.
    String input =
        "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
            + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
    assertThat(canonical(input))
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  void escapesOnlyWhatTheRfcEscapes() {
    // RFC 8785 §3.2.2.2 string example.
    String input = "{\"s\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"}";
    assertThat(canonical(input)).isEqualTo("{\"s\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  void literalsAndNestingFollowTheRfc() {
    assertThat(
            canonical(
                "{ \"b\" : [ true , false , null , 0 , -1 , 9007199254740991 ] , \"a\" : { \"z\":1 , \"y\":{} } }"))
        .isEqualTo("{\"a\":{\"y\":{},\"z\":1},\"b\":[true,false,null,0,-1,9007199254740991]}");
  }

  @Test
  void refusesWhatItCannotRepresentExactly() {
    assertThatThrownBy(() -> canonical("{\"n\":1.5}"))
        .hasMessage("floating-point numbers are not supported in canonical audit JSON");
    assertThatThrownBy(() -> canonical("{\"n\":9007199254740992}"))
        .hasMessage("integer 9007199254740992 is outside the exact range of RFC 8785");
    assertThatThrownBy(() -> canonical("{\"a\":1,\"a\":2}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> canonical("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(CanonicalJson.isCanonical("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(CanonicalJson.isCanonical("{\"a\":2,\"b\":1}".getBytes(StandardCharsets.UTF_8)))
        .isTrue();
  }

  @Test
  void agreesWithAnIndependentImplementationOnRandomDocuments() throws Exception {
    Random random = new Random(8785);
    for (int i = 0; i < 2000; i++) {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      int members = 1 + random.nextInt(8);
      for (int m = 0; m < members; m++) {
        String name = randomString(random);
        switch (random.nextInt(4)) {
          case 0 -> node.put(name, randomString(random));
          case 1 -> node.put(name, random.nextLong() % CanonicalJson.MAX_SAFE_INTEGER);
          case 2 -> node.put(name, random.nextBoolean());
          default -> node.putObject(name).put(randomString(random), randomString(random));
        }
      }
      byte[] ours = CanonicalJson.encode(node);
      byte[] theirs = new JsonCanonicalizer(node.toString()).getEncodedUTF8();
      assertThat(new String(ours, StandardCharsets.UTF_8))
          .isEqualTo(new String(theirs, StandardCharsets.UTF_8));
      assertThat(CanonicalJson.isCanonical(ours)).isTrue();
    }
  }

  private static String randomString(Random random) {
    String alphabet = "abcXYZ019 \"\\/\n\t\u0001\u001f\u007f\u00e9\u20ac\u2028\ud83d\ude00_-";
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(10);
    for (int i = 0; i < length; i++) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        out.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
