package io.hsip.policygateway.cli.load;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What became of one request.
 *
 * @param type the kind of outcome
 * @param reason the reason code an allow or deny carried, or what went wrong for {@link
 *     Type#ERROR}; null when there is none
 * @param status the HTTP status for {@link Type#HTTP_STATUS}, else 0
 */
public record Outcome(Type type, @Nullable String reason, int status) {

  /** The kinds of outcome. */
  public enum Type {
    /** A signed allow (UDP) or a 200 with effect allow (REST). */
    ALLOW,
    /** A signed deny (UDP) or a 200 with effect deny (REST). */
    DENY,
    /** A non-200 HTTP answer (REST). */
    HTTP_STATUS,
    /** No answer in time, after a completed handshake (or a connection, for REST). */
    NO_ANSWER,
    /** No handshake answer (E2) in time (UDP). */
    NO_HANDSHAKE,
    /** The target could not be reached, or answered something that is not an answer. */
    ERROR
  }

  /** The allow outcome. */
  public static Outcome allow(@Nullable String reason) {
    return new Outcome(Type.ALLOW, reason, 0);
  }

  /** A deny outcome. */
  public static Outcome deny(@Nullable String reason) {
    return new Outcome(Type.DENY, reason, 0);
  }

  /** An HTTP status other than 200. */
  public static Outcome http(int status) {
    return new Outcome(Type.HTTP_STATUS, null, status);
  }

  /** No answer in time. */
  public static Outcome noAnswer() {
    return new Outcome(Type.NO_ANSWER, null, 0);
  }

  /** No handshake answer in time. */
  public static Outcome noHandshake() {
    return new Outcome(Type.NO_HANDSHAKE, null, 0);
  }

  /** Something went wrong; {@code what} is a short machine-readable word (unreachable, io, ...). */
  public static Outcome error(String what) {
    return new Outcome(Type.ERROR, what, 0);
  }

  /** Whether the target answered (allow, deny or an HTTP status). */
  public boolean answered() {
    return type == Type.ALLOW || type == Type.DENY || type == Type.HTTP_STATUS;
  }

  /** Whether this is a deny. */
  public boolean isDeny() {
    return type == Type.DENY;
  }

  /** Whether this is a deny with {@code reasonCode}. */
  public boolean isDenyFor(String reasonCode) {
    return type == Type.DENY && Objects.equals(reason, reasonCode);
  }

  /**
   * The report's name for this outcome: {@code allow}, {@code deny policy_deny}, {@code http 400},
   * {@code timeout}, {@code handshake timeout}, {@code error unreachable}.
   */
  public String label() {
    return switch (type) {
      case ALLOW -> "allow";
      case DENY -> reason == null ? "deny (no reason)" : "deny " + reason;
      case HTTP_STATUS -> String.format(Locale.ROOT, "http %d", status);
      case NO_ANSWER -> "timeout";
      case NO_HANDSHAKE -> "handshake timeout";
      case ERROR -> "error " + reason;
    };
  }
}
