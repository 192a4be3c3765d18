package io.hsip.policygateway.cli.load;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The kinds of request a load run mixes, each with the answer a correct gateway gives it. */
public enum LoadKind {
  /** A fresh, correctly signed request for the allowed purpose: expects allow. */
  ALLOW,
  /** A fresh, correctly signed request for the denied purpose: expects a policy deny. */
  DENY,
  /** A request the same peer already sent and had answered (same nonce): expects deny replayed. */
  REPLAYED,
  /** A correctly signed request whose {@code ts_ms} lies far in the past: expects deny stale. */
  STALE,
  /** A request with one bit of its signature flipped: expects deny bad_signature. */
  BAD_SIGNATURE,
  /**
   * A syntactically broken request: over UDP an authenticated frame with bad JSON, which gets no
   * answer (there is no request to sign an answer for); over REST a bad body, which gets a 400.
   */
  MALFORMED;

  /** The policy reasons a deny of {@link #DENY} may carry: a deny rule or no matching allow. */
  private static final Set<String> POLICY_DENY_REASONS = Set.of("policy_deny", "no_policy");

  /** The name used on the command line and in reports: lower case, dashes. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind with this label. */
  public static Optional<LoadKind> fromLabel(String label) {
    for (LoadKind kind : values()) {
      if (kind.label().equals(label)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** What a correct gateway answers, in the words of the report. */
  public String expectation(Transport transport) {
    return switch (this) {
      case ALLOW -> "allow";
      case DENY -> "deny policy_deny|no_policy";
      case REPLAYED -> "deny replayed";
      case STALE -> "deny stale";
      case BAD_SIGNATURE -> "deny bad_signature";
      case MALFORMED -> transport == Transport.UDP ? "no answer" : "http 400";
    };
  }

  /** Whether {@code outcome} is the answer a correct gateway gives this kind. */
  public boolean expects(Outcome outcome, Transport transport) {
    return switch (this) {
      case ALLOW -> outcome.type() == Outcome.Type.ALLOW;
      case DENY -> outcome.isDeny() && POLICY_DENY_REASONS.contains(outcome.reason());
      case REPLAYED -> outcome.isDenyFor("replayed");
      case STALE -> outcome.isDenyFor("stale");
      case BAD_SIGNATURE -> outcome.isDenyFor("bad_signature");
      case MALFORMED ->
          transport == Transport.UDP
              ? outcome.type() == Outcome.Type.NO_ANSWER
              : outcome.type() == Outcome.Type.HTTP_STATUS && outcome.status() == 400;
    };
  }

  /** The front door a run talks to. */
  public enum Transport {
    /** The HSIP UDP consent listener. */
    UDP,
    /** The decision API. */
    REST
  }
}
