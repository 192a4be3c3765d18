package io.hsip.policygateway.hsip;

import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** Lowercase hexadecimal as the reference writes it ({@code hex::encode}), read strictly. */
public final class LowerHex {

  private static final HexFormat HEX = HexFormat.of();

  private LowerHex() {}

  /** Encodes bytes as lowercase hex. */
  public static String encode(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Whether {@code text} is exactly {@code byteLength} bytes of lowercase hex. */
  public static boolean isLowerHex(String text, int byteLength) {
    if (text.length() != byteLength * 2) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Decodes exactly {@code byteLength} bytes of lowercase hex, or returns {@code null}. */
  public static byte @Nullable [] decode(String text, int byteLength) {
    return isLowerHex(text, byteLength) ? HEX.parseHex(text) : null;
  }
}
