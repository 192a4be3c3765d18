package io.hsip.policygateway.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One thing to audit, as another feature hands it to {@link AuditLog#append}. The log adds the
 * schema version, sequence number and time, replaces {@code subjectPeerId} by its keyed pseudonym,
 * and stores the result as RFC 8785 canonical JSON (schema 1, see {@code
 * compliance/audit-verification.md}).
 *
 * <p>Follow OPA's decision-log discipline: no personal data in the clear beyond what the auditor
 * needs. The subject PeerID is pseudonymised; {@code details} must already be masked by the caller.
 *
 * @param kind what is recorded
 * @param actor who acted: the SSO user name of an admin, or {@code gateway} for decisions
 * @param action what was done, e.g. {@code consent.decide}, {@code policy.publish}
 * @param subjectPeerId the PeerID the entry is about, if any (stored only as a pseudonym)
 * @param outcome the result, e.g. {@code allow}, {@code deny}, {@code ok}, {@code failed}
 * @param policyVersion digest of the policy version that decided, if any
 * @param requestHash hash of the request decided on (lowercase hex), if any
 * @param traceId OpenTelemetry trace id (32 hex), if any
 * @param spanId OpenTelemetry span id (16 hex), if any
 * @param explanation reference to the decision's explanation (rule ids), if any
 * @param details further masked fields (names and values are free text)
 * @param peerDetails further fields whose value is a PeerID: stored, like the subject, only as the
 *     PeerID's keyed pseudonym (under its own subject key), in {@code details}; at most {@value
 *     #MAX_DETAILS} details of both kinds together, no name in both
 */
public record AuditEntry(
    AuditKind kind,
    String actor,
    String action,
    @Nullable String subjectPeerId,
    @Nullable String outcome,
    @Nullable String policyVersion,
    @Nullable String requestHash,
    @Nullable String traceId,
    @Nullable String spanId,
    @Nullable String explanation,
    Map<String, String> details,
    Map<String, String> peerDetails) {

  /** Longest accepted text field, in characters. */
  public static final int MAX_FIELD_LENGTH = 256;

  /** Longest accepted {@link #outcome}, in characters (its column's limit). */
  public static final int MAX_OUTCOME_LENGTH = 32;

  /** Longest accepted {@link #policyVersion}, in characters (its column's limit). */
  public static final int MAX_POLICY_VERSION_LENGTH = 100;

  /** Most members of {@link #details} and {@link #peerDetails} together. */
  public static final int MAX_DETAILS = 32;

  /**
   * Longest accepted value of a detail, in characters. Details live only in the stored body, not in
   * a column, so a list (a member's groups) may be longer than a column's text.
   */
  public static final int MAX_DETAIL_LENGTH = 4096;

  /**
   * Validates the fields: everything PostgreSQL or the canonical form would refuse (a NUL
   * character, an unpaired surrogate, a value longer than its column) is refused here, so that one
   * bad entry never reaches, and fails, a group commit shared with others.
   *
   * @throws IllegalArgumentException naming the field and the rule
   */
  public AuditEntry {
    Objects.requireNonNull(kind, "kind");
    requireText("actor", actor, true, MAX_FIELD_LENGTH);
    requireText("action", action, true, MAX_FIELD_LENGTH);
    requireText("subject_peer_id", subjectPeerId, false, MAX_FIELD_LENGTH);
    requireText("outcome", outcome, false, MAX_OUTCOME_LENGTH);
    requireText("policy_version", policyVersion, false, MAX_POLICY_VERSION_LENGTH);
    requireText("request_hash", requestHash, false, MAX_FIELD_LENGTH);
    requireHex("trace_id", traceId, 32);
    requireHex("span_id", spanId, 16);
    requireText("explanation", explanation, false, MAX_FIELD_LENGTH);
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(peerDetails, "peerDetails");
    if (details.size() + peerDetails.size() > MAX_DETAILS) {
      throw new IllegalArgumentException("audit entry has more than " + MAX_DETAILS + " details");
    }
    details.forEach(
        (name, value) -> {
          requireText("details name", name, true, MAX_FIELD_LENGTH);
          requireText("details." + name, value, true, MAX_DETAIL_LENGTH);
        });
    for (Map.Entry<String, String> peer : peerDetails.entrySet()) {
      requireText("details name", peer.getKey(), true, MAX_FIELD_LENGTH);
      requireText("details." + peer.getKey(), peer.getValue(), true, MAX_FIELD_LENGTH);
      if (details.containsKey(peer.getKey())) {
        throw new IllegalArgumentException(
            "audit entry detail `" + peer.getKey() + "` is given both as text and as a PeerID");
      }
    }
    details = Map.copyOf(new TreeMap<>(details));
    peerDetails = Map.copyOf(new TreeMap<>(peerDetails));
  }

  /** Starts an entry of {@code kind} by {@code actor} doing {@code action}. */
  public static Builder builder(AuditKind kind, String actor, String action) {
    return new Builder(kind, actor, action);
  }

  /** A decision of the gateway about {@code subjectPeerId}. */
  public static Builder decision(String subjectPeerId, String outcome) {
    return builder(AuditKind.DECISION, "gateway", "consent.decide")
        .subject(subjectPeerId)
        .outcome(outcome);
  }

  /** A change by the administrator {@code actor}. */
  public static Builder adminChange(String actor, String action) {
    return builder(AuditKind.ADMIN_CHANGE, actor, action);
  }

  private static void requireText(
      String name, @Nullable String value, boolean required, int maxLength) {
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException("audit entry field `" + name + "` is required");
      }
      return;
    }
    // UTF-16 length: never less than PostgreSQL's count of code points, so within it means within
    // the column.
    if (value.isEmpty() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          "audit entry field `" + name + "` must be 1-" + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        // PostgreSQL text cannot hold NUL.
        throw new IllegalArgumentException(
            "audit entry field `" + name + "` contains a NUL character");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // Not UTF-8 encodable, so neither storable nor canonical JSON (RFC 8785).
        throw new IllegalArgumentException(
            "audit entry field `" + name + "` contains an unpaired surrogate");
      }
    }
  }

  private static void requireHex(String name, @Nullable String value, int length) {
    if (value != null
        && (value.length() != length
            || !value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))) {
      throw new IllegalArgumentException(
          "audit entry field `" + name + "` must be " + length + " lowercase hex characters");
    }
  }

  /** Builds an {@link AuditEntry}; unset optional fields are left out of the stored entry. */
  public static final class Builder {
    private final AuditKind kind;
    private final String actor;
    private final String action;
    private @Nullable String subjectPeerId;
    private @Nullable String outcome;
    private @Nullable String policyVersion;
    private @Nullable String requestHash;
    private @Nullable String traceId;
    private @Nullable String spanId;
    private @Nullable String explanation;
    private final Map<String, String> details = new TreeMap<>();
    private final Map<String, String> peerDetails = new TreeMap<>();

    private Builder(AuditKind kind, String actor, String action) {
      this.kind = kind;
      this.actor = actor;
      this.action = action;
    }

    /** The PeerID the entry is about (stored as a pseudonym). */
    public Builder subject(@Nullable String peerId) {
      this.subjectPeerId = peerId;
      return this;
    }

    /** The result. */
    public Builder outcome(@Nullable String outcome) {
      this.outcome = outcome;
      return this;
    }

    /** The deciding policy version's digest. */
    public Builder policyVersion(@Nullable String digest) {
      this.policyVersion = digest;
      return this;
    }

    /** The hash of the request decided on. */
    public Builder requestHash(@Nullable String hash) {
      this.requestHash = hash;
      return this;
    }

    /** The OpenTelemetry trace and span ids. */
    public Builder trace(@Nullable String traceId, @Nullable String spanId) {
      this.traceId = traceId;
      this.spanId = spanId;
      return this;
    }

    /** A reference to the explanation of a decision. */
    public Builder explanation(@Nullable String reference) {
      this.explanation = reference;
      return this;
    }

    /** A further masked field. */
    public Builder detail(String name, String value) {
      details.put(name, value);
      return this;
    }

    /** A further field naming a PeerID, stored as the PeerID's keyed pseudonym. */
    public Builder peerDetail(String name, String peerId) {
      peerDetails.put(name, peerId);
      return this;
    }

    /** The validated entry. */
    public AuditEntry build() {
      return new AuditEntry(
          kind,
          actor,
          action,
          subjectPeerId,
          outcome,
          policyVersion,
          requestHash,
          traceId,
          spanId,
          explanation,
          details,
          peerDetails);
    }
  }
}
