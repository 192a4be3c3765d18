package io.hsip.policygateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The stored form of an entry, schema 1: RFC 8785 canonical JSON whose members are {@code schema},
 * {@code seq}, {@code time} (UTC, milliseconds, {@code 2026-01-31T12:00:00.000Z}), {@code kind},
 * {@code actor}, {@code action} and, when present, {@code subject} (keyed pseudonym), {@code
 * outcome}, {@code policy_version}, {@code request_hash}, {@code trace_id}, {@code span_id}, {@code
 * explanation}, {@code details}. Absent optional fields are left out, never written as {@code
 * null}.
 */
public final class EntryFormat {

  /** The schema version this code writes and reads. */
  public static final int SCHEMA = 1;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private EntryFormat() {}

  /**
   * The canonical bytes of {@code entry}, which has no {@linkplain AuditEntry#peerDetails() PeerID
   * details}, as committed with {@code seq} at {@code time}.
   */
  public static byte[] encode(
      AuditEntry entry, long seq, Instant time, @Nullable String subjectPseudonym) {
    return encode(
        entry,
        seq,
        time,
        subjectPseudonym,
        peerId -> {
          throw new IllegalArgumentException("no pseudonym for a PeerID detail");
        });
  }

  /**
   * The canonical bytes of {@code entry} as committed with {@code seq} at {@code time}; its PeerID
   * details are written as {@code pseudonymOf} their PeerID.
   */
  public static byte[] encode(
      AuditEntry entry,
      long seq,
      Instant time,
      @Nullable String subjectPseudonym,
      Function<String, String> pseudonymOf) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("schema", SCHEMA);
    node.put("seq", seq);
    node.put("time", formatTime(time));
    node.put("kind", entry.kind().wire());
    node.put("actor", entry.actor());
    node.put("action", entry.action());
    putIfPresent(node, "subject", subjectPseudonym);
    putIfPresent(node, "outcome", entry.outcome());
    putIfPresent(node, "policy_version", entry.policyVersion());
    putIfPresent(node, "request_hash", entry.requestHash());
    putIfPresent(node, "trace_id", entry.traceId());
    putIfPresent(node, "span_id", entry.spanId());
    putIfPresent(node, "explanation", entry.explanation());
    if (!entry.details().isEmpty() || !entry.peerDetails().isEmpty()) {
      ObjectNode details = node.putObject("details");
      entry.details().forEach(details::put);
      entry.peerDetails().forEach((name, peerId) -> details.put(name, pseudonymOf.apply(peerId)));
    }
    return CanonicalJson.encode(node);
  }

  /** The entry time as written: UTC with exactly three fraction digits. */
  public static String formatTime(Instant time) {
    return TIME.format(time.truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * Parses an entry time as written by {@link #formatTime}.
   *
   * @throws IllegalArgumentException if it is not exactly that form
   */
  public static Instant parseTime(String text) {
    try {
      Instant parsed = Instant.from(TIME.parse(text));
      if (!formatTime(parsed).equals(text)) {
        throw new IllegalArgumentException(
            "time `" + text + "` is not in the form 2026-01-31T12:00:00.000Z");
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "time `" + text + "` is not in the form 2026-01-31T12:00:00.000Z", e);
    }
  }

  /**
   * What is wrong with {@code entry} as a stored entry of this schema, or null if nothing is: the
   * checks an offline verifier makes of every entry it reads.
   */
  public static @Nullable String problem(JsonNode entry) {
    if (!entry.isObject()) {
      return "`entry` is not an object";
    }
    if (entry.path("schema").asInt(-1) != SCHEMA || !entry.path("schema").isIntegralNumber()) {
      return "unsupported schema " + entry.path("schema");
    }
    if (!entry.path("seq").isIntegralNumber() || entry.path("seq").asLong() < 1) {
      return "`seq` is not a positive integer";
    }
    if (AuditKind.fromWire(entry.path("kind").asText()).isEmpty()) {
      return "unknown audit kind `" + entry.path("kind").asText().toLowerCase(Locale.ROOT) + "`";
    }
    if (time(entry) == null) {
      return "`time` is not a UTC time with milliseconds";
    }
    if (!entry.path("actor").isTextual() || !entry.path("action").isTextual()) {
      return "`actor` and `action` are required strings";
    }
    return null;
  }

  /** The sequence number of a stored entry, 0 if it has none. */
  public static long seq(JsonNode entry) {
    return entry.path("seq").asLong();
  }

  /** The time of a stored entry as written, empty if it has none. */
  public static String timeText(JsonNode entry) {
    return entry.path("time").asText();
  }

  /** The time of a stored entry, or null if it has none in the written form. */
  public static @Nullable Instant time(JsonNode entry) {
    try {
      return entry.path("time").isTextual() ? parseTime(entry.path("time").asText()) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void putIfPresent(ObjectNode node, String name, @Nullable String value) {
    if (value != null) {
      node.put(name, value);
    }
  }
}
