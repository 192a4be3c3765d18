package io.hsip.policygateway.audit;

import io.hsip.policygateway.hsip.keys.PeerId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A search of audit entries: filters combine with AND, null means "any"; results come by descending
 * {@code seq}, a page at a time (keyset pagination on {@code seq}). That is the reverse append
 * order of each replica, not a time order across replicas: replicas draw sequence numbers in
 * blocks, so their numbers interleave by block (compliance/audit-verification.md, "What order a
 * search returns").
 *
 * @param from recorded at or after
 * @param to recorded before
 * @param kind the entry kind
 * @param peer the subject's PeerID, matched through its pseudonym
 * @param outcome outcome (effect), e.g. {@code allow}
 * @param reason a decision's reason code, e.g. {@code replayed} (decisions only)
 * @param policyVersion policy version digest
 * @param actor who acted
 * @param before only entries with a smaller seq: the {@code nextBefore} of the previous page
 * @param limit page size, 1 to {@value #MAX_LIMIT}
 */
public record EntryQuery(
    @Nullable Instant from,
    @Nullable Instant to,
    @Nullable AuditKind kind,
    @Nullable String peer,
    @Nullable String outcome,
    @Nullable String reason,
    @Nullable String policyVersion,
    @Nullable String actor,
    @Nullable Long before,
    int limit) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /**
   * The decision reason code a {@code reason} filter names: {@code allowed}, {@code replayed}, ...
   */
  private static final java.util.regex.Pattern REASON =
      java.util.regex.Pattern.compile("[a-z_]{1,48}");

  /** A decision's reason code when it allows; every other code is a deny. */
  public static final String ALLOWED = "allowed";

  /** Checks the page size, the PeerID and the reason code's spelling. */
  public EntryQuery {
    requireLimit(limit);
    if (reason != null && !REASON.matcher(reason).matches()) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`reason` must be a decision reason code such as replayed or policy_deny (lower case"
              + " letters and _).");
    }
    if (peer != null && !PeerId.isWellFormed(peer)) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`peer` must be a PeerID (26 characters of base32).");
    }
  }

  /**
   * The kind a query names by its wire name, null for any.
   *
   * @throws io.hsip.policygateway.base.error.ProblemException ({@link AuditProblems#INVALID_QUERY})
   *     for an unknown name
   */
  public static @Nullable AuditKind kind(@Nullable String wireName) {
    if (wireName == null) {
      return null;
    }
    return AuditKind.fromWire(wireName)
        .orElseThrow(
            () ->
                AuditProblems.INVALID_QUERY.exception(
                    "`kind` must be decision, admin-change, consent-revocation or key-event."));
  }

  /** Checks a page size of any audit listing. */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`limit` must be between 1 and " + MAX_LIMIT + ".");
    }
  }
}
