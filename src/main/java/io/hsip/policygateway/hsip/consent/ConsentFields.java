package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.keys.PeerId;

/**
 * Field rules shared by requests and responses. The reference inserts field values verbatim into
 * {@code |}-separated signed strings, so we accept only values that cannot shift a separator
 * (docs/protocol.md#ambiguous-signed-strings): lowercase hex of the exact length, real PeerIDs, and
 * a purpose without {@code |} or control characters.
 */
final class ConsentFields {

  /** The only protocol version there is. */
  static final int VERSION = 1;

  /** Longest purpose we accept; purposes are short identifiers such as {@code indexing}. */
  static final int MAX_PURPOSE_LENGTH = 256;

  private ConsentFields() {}

  static void version(JsonObject<ConsentParseException> json) throws ConsentParseException {
    long version = json.unsigned("version");
    if (version != VERSION) {
      throw new ConsentParseException("unsupported version " + version + " (expected 1)");
    }
  }

  static String hex(JsonObject<ConsentParseException> json, String field, int bytes)
      throws ConsentParseException {
    String value = json.string(field);
    if (!LowerHex.isLowerHex(value, bytes)) {
      throw new ConsentParseException(
          "field `" + field + "` must be " + (bytes * 2) + " lowercase hex characters");
    }
    return value;
  }

  static String peerId(JsonObject<ConsentParseException> json, String field)
      throws ConsentParseException {
    String value = json.string(field);
    if (!PeerId.isWellFormed(value)) {
      throw new ConsentParseException(
          "field `" + field + "` must be a PeerID (26 characters of A-Z and 2-7)");
    }
    return value;
  }

  static String purpose(JsonObject<ConsentParseException> json) throws ConsentParseException {
    String value = json.string("purpose");
    String problem = purposeProblem(value);
    if (problem != null) {
      throw new ConsentParseException("field `purpose` " + problem);
    }
    return value;
  }

  /** Why a purpose is unacceptable, or {@code null} if it is fine. */
  static @org.jspecify.annotations.Nullable String purposeProblem(String purpose) {
    if (purpose.isEmpty()) {
      return "must not be empty";
    }
    if (purpose.length() > MAX_PURPOSE_LENGTH) {
      return "must be at most " + MAX_PURPOSE_LENGTH + " characters";
    }
    for (int i = 0; i < purpose.length(); i++) {
      char c = purpose.charAt(i);
      if (c == '|') {
        return "must not contain `|`";
      }
      if (c < 0x20 || c == 0x7f) {
        return "must not contain control characters";
      }
    }
    return null;
  }
}
