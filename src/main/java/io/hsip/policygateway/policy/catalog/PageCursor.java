package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.lifecycle.PolicyProblems;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A position in a list ordered by a time and then an id (drafts by last edit, approvals by
 * request), handed to clients as an opaque cursor: base64url of {@code <time> <id>}. Opaque so that
 * the order's columns may change without breaking clients; it carries nothing secret, and a client
 * that forges one merely starts its page elsewhere.
 *
 * @param at the time of the last item of the previous page
 * @param id its id
 */
record PageCursor(Instant at, UUID id) {

  /** Longest cursor accepted: an encoded cursor is 88 characters; anything much longer is junk. */
  private static final int MAX_LENGTH = 128;

  /** The cursor text. */
  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((at + " " + id).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor this API handed out; null for none.
   *
   * @param name the query parameter, for the message
   * @throws io.hsip.policygateway.base.error.ProblemException ({@link
   *     PolicyProblems#INVALID_QUERY}) for anything else
   */
  static @Nullable PageCursor decode(String name, @Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      if (text.length() > MAX_LENGTH) {
        throw new IllegalArgumentException("too long");
      }
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int space = plain.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("no separator");
      }
      return new PageCursor(
          Instant.parse(plain.substring(0, space)), UUID.fromString(plain.substring(space + 1)));
    } catch (IllegalArgumentException | DateTimeException e) {
      throw PolicyProblems.INVALID_QUERY.exception(
          "`"
              + name
              + "` must be a cursor this API returned (the next_"
              + name
              + " of the previous page, unchanged)");
    }
  }
}
