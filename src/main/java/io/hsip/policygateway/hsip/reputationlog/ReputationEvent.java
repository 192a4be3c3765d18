package io.hsip.policygateway.hsip.reputationlog;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.JsonObject;
import io.hsip.policygateway.hsip.json.SerdeJsonWriter;
import io.hsip.policygateway.hsip.json.StrictJson;
import io.hsip.policygateway.hsip.keys.PeerId;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One line of a reference reputation log (docs/protocol.md#reputation-log), fields in serialisation
 * order. The signature covers the compact JSON of the event with {@code sig} set to the empty
 * string.
 *
 * @param eventId lowercase hyphenated UUID
 * @param ts {@code "<unix seconds>s"}, as the reference writes it
 * @param actorPeerId PeerID of the signer (the log owner)
 * @param subjectPeerId who the event is about
 * @param decisionType what happened
 * @param severity 0..255; weights clamp above 3
 * @param reasonCode short code
 * @param reasonText free text
 * @param evidence supporting evidence
 * @param ttl e.g. {@code "7d"}, or null; stored, never used by the reference
 * @param weight stored weight; must match {@code decisionType} and {@code severity}
 * @param prevHash hex SHA-256 of the previous line, 64 zeros for the first
 * @param sig 128 lowercase hex
 */
public record ReputationEvent(
    String eventId,
    String ts,
    String actorPeerId,
    String subjectPeerId,
    ReputationEventType decisionType,
    int severity,
    String reasonCode,
    String reasonText,
    List<Evidence> evidence,
    @Nullable String ttl,
    int weight,
    String prevHash,
    String sig) {

  /** Event format version. */
  public static final int VERSION = 1;

  /** {@code prev_hash} of the first line. */
  public static final String GENESIS_HASH = "0".repeat(64);

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * At most 19 digits, and {@link #parse} checks the value fits a {@code long}, so {@link
   * #unixSeconds} cannot fail.
   */
  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,19}s");

  /** Copies {@code evidence}. */
  public ReputationEvent {
    evidence = List.copyOf(evidence);
  }

  /**
   * Creates and signs an event the way the reference's store does: the weight comes from the table.
   */
  public static ReputationEvent sign(
      SigningKey actor,
      String eventId,
      long unixSeconds,
      String subjectPeerId,
      ReputationEventType type,
      int severity,
      String reasonCode,
      String reasonText,
      List<Evidence> evidence,
      @Nullable String ttl,
      String prevHash) {
    if (!UUID_TEXT.matcher(eventId).matches()
        || !LowerHex.isLowerHex(prevHash, 32)
        || severity < 0
        || severity > 255) {
      throw new IllegalArgumentException("event id, previous hash or severity malformed");
    }
    ReputationEvent unsigned =
        new ReputationEvent(
            eventId,
            unixSeconds + "s",
            actor.peerId().value(),
            subjectPeerId,
            type,
            severity,
            reasonCode,
            reasonText,
            evidence,
            ttl,
            type.weight(severity),
            prevHash,
            "");
    String sig = LowerHex.encode(actor.sign(unsigned.signedBytes()));
    return new ReputationEvent(
        eventId,
        unsigned.ts,
        unsigned.actorPeerId,
        subjectPeerId,
        type,
        severity,
        reasonCode,
        reasonText,
        evidence,
        ttl,
        unsigned.weight,
        prevHash,
        sig);
  }

  /** Parses one line (without its newline). */
  public static ReputationEvent parse(String line) throws ReputationLogException {
    JsonObject<ReputationLogException> o =
        StrictJson.parseObject(line.getBytes(StandardCharsets.UTF_8), ReputationLogException::new);
    long version = o.unsigned("version");
    if (version != VERSION) {
      throw new ReputationLogException("unsupported version " + version + " (expected 1)");
    }
    String eventId = o.string("event_id");
    if (!UUID_TEXT.matcher(eventId).matches()) {
      throw new ReputationLogException("field `event_id` must be a lowercase hyphenated UUID");
    }
    String ts = o.string("ts");
    if (!SECONDS.matcher(ts).matches() || !fitsLong(ts.substring(0, ts.length() - 1))) {
      throw new ReputationLogException("field `ts` must be Unix seconds followed by `s`");
    }
    String actor = o.string("actor_peer_id");
    if (!PeerId.isWellFormed(actor)) {
      throw new ReputationLogException(
          "field `actor_peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
    }
    String subject = o.string("subject_peer_id");
    if (subject.isEmpty()) {
      throw new ReputationLogException("field `subject_peer_id` must not be empty");
    }
    String typeText = o.string("decision_type");
    ReputationEventType type =
        ReputationEventType.fromWire(typeText)
            .orElseThrow(
                () ->
                    new ReputationLogException(
                        "field `decision_type` is not one of the reference's spellings (e.g. M_I_S_B_E_H_A_V_I_O_R)"));
    long severity = o.unsigned("severity");
    if (severity > 255) {
      throw new ReputationLogException("field `severity` is out of range");
    }
    List<Evidence> evidence = new ArrayList<>();
    for (JsonObject<ReputationLogException> e : o.objectArray("evidence")) {
      evidence.add(new Evidence(e.string("kind"), e.string("value")));
    }
    String prev = o.string("prev_hash");
    if (!LowerHex.isLowerHex(prev, 32)) {
      throw new ReputationLogException("field `prev_hash` must be 64 lowercase hex characters");
    }
    String sig = o.string("sig");
    if (!LowerHex.isLowerHex(sig, 64)) {
      throw new ReputationLogException("field `sig` must be 128 lowercase hex characters");
    }
    return new ReputationEvent(
        eventId,
        ts,
        actor,
        subject,
        type,
        (int) severity,
        o.string("reason_code"),
        o.string("reason_text"),
        evidence,
        o.nullableString("ttl"),
        o.int32("weight"),
        prev,
        sig);
  }

  private static boolean fitsLong(String digits) {
    try {
      Long.parseLong(digits);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Unix seconds of {@link #ts()}. */
  public long unixSeconds() {
    return Long.parseLong(ts.substring(0, ts.length() - 1));
  }

  /** What the signature covers: the compact JSON with {@code sig} empty. */
  public byte[] signedBytes() {
    return json("").getBytes(StandardCharsets.UTF_8);
  }

  /** The log line (compact JSON, no newline). */
  public String toLine() {
    return json(sig);
  }

  private String json(String signature) {
    SerdeJsonWriter w =
        SerdeJsonWriter.compact()
            .beginObject()
            .field("version", VERSION)
            .field("event_id", eventId)
            .field("ts", ts)
            .field("actor_peer_id", actorPeerId)
            .field("subject_peer_id", subjectPeerId)
            .field("decision_type", decisionType.wire())
            .field("severity", severity)
            .field("reason_code", reasonCode)
            .field("reason_text", reasonText)
            .beginArray("evidence");
    for (Evidence e : evidence) {
      w.beginObject().field("kind", e.kind()).field("value", e.value()).endObject();
    }
    return w.endArray()
        .nullableField("ttl", ttl)
        .field("weight", weight)
        .field("prev_hash", prevHash)
        .field("sig", signature)
        .endObject()
        .toString();
  }
}
