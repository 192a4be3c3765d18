package io.hsip.policygateway.audit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.EntryMacKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What authenticates a stored audit entry: the MAC (HMAC-SHA256 under {@link EntryMacKey}) of an
 * unambiguous encoding of every stored column except {@code leaf_index}, which only the integrator
 * assigns. The writer stores it with the entry ({@code mac}, {@code mac_key_id}); the integrator
 * folds nothing into the tree whose MAC does not verify or whose columns disagree with its body.
 *
 * <p>The encoding, version 1 ({@link #encode}): the ASCII tag {@code hsip-audit-entry/1} and a zero
 * byte; {@code seq} as 8 bytes big-endian; {@code recorded_at} as microseconds since the epoch (the
 * resolution PostgreSQL stores), 8 bytes big-endian; {@code kind} and {@code actor} as text; {@code
 * subject}, {@code outcome}, {@code policy_version} and {@code trace_id} as optional text (a byte 0
 * for NULL, else a byte 1 and the text); {@code body} as 4 bytes big-endian length and the bytes. A
 * text is its UTF-8 length (4 bytes big-endian) and its UTF-8 bytes. Every field has a fixed length
 * or a length prefix and a fixed position, so no two different rows encode alike (moving a
 * character from one field to its neighbour changes the encoding).
 */
public final class EntryMac {

  /**
   * The {@code mac_key_id} of entries that were pending when migration V23 added MACs: written by a
   * gateway that authenticated nothing, so they carry no MAC (see {@code
   * V23__audit_entry_mac.sql}).
   */
  public static final String PRE_MAC_KEY_ID = "pre-v23";

  private static final byte[] TAG = "hsip-audit-entry/1\0".getBytes(StandardCharsets.US_ASCII);

  private EntryMac() {}

  /** The stored columns of one entry that its MAC covers. */
  public record Fields(
      long seq,
      Instant recordedAt,
      String kind,
      String actor,
      @Nullable String subject,
      @Nullable String outcome,
      @Nullable String policyVersion,
      @Nullable String traceId,
      byte[] body) {}

  /**
   * The MAC key derived from the signing key {@code signingKey} supplies, derived again only when
   * that key changes. The supplier may throw (no key): the caller then fails closed.
   */
  public static Supplier<EntryMacKey> keys(Supplier<SigningKey> signingKey) {
    return new Supplier<>() {
      private volatile @Nullable Derived last;

      @Override
      public EntryMacKey get() {
        SigningKey key = signingKey.get();
        Derived derived = last;
        if (derived == null || derived.from() != key) {
          derived = new Derived(key, EntryMacKey.derive(key));
          last = derived;
        }
        return derived.macKey();
      }
    };
  }

  private record Derived(SigningKey from, EntryMacKey macKey) {}

  /** The MAC of {@code fields} under {@code key}. */
  public static byte[] mac(EntryMacKey key, Fields fields) {
    return key.mac(encode(fields));
  }

  /** The bytes the MAC is computed over (see the class comment). */
  public static byte[] encode(Fields f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(TAG.length + 160 + f.body().length);
    out.writeBytes(TAG);
    writeLong(out, f.seq());
    writeLong(out, micros(f.recordedAt()));
    writeText(out, f.kind());
    writeText(out, f.actor());
    writeOptional(out, f.subject());
    writeOptional(out, f.outcome());
    writeOptional(out, f.policyVersion());
    writeOptional(out, f.traceId());
    writeBytes(out, f.body());
    return out.toByteArray();
  }

  /**
   * Why the stored row {@code fields} with {@code mac} under {@code keyId} must not be integrated,
   * or null if it may: its MAC must verify under {@code key} (or it is one of the entries pending
   * when MACs were introduced), and its body must be a valid schema-1 entry whose members agree
   * with the columns that duplicate them. The reason names no secret.
   */
  public static @Nullable String problem(
      EntryMacKey key, Fields fields, byte @Nullable [] mac, @Nullable String keyId) {
    if (mac == null) {
      if (!PRE_MAC_KEY_ID.equals(keyId)) {
        return "the entry has no MAC (it was not written by the gateway)";
      }
    } else if (!key.keyId().equals(keyId)) {
      return "the entry's MAC key id is not the current key's";
    } else if (!key.verify(encode(fields), mac)) {
      return "the entry's MAC does not verify (it was forged or altered after it was written)";
    }
    return bodyProblem(fields);
  }

  /** Where the columns disagree with the hashed body, or null if they agree. */
  static @Nullable String bodyProblem(Fields f) {
    if (!CanonicalJson.isCanonical(f.body())) {
      return "the entry's body is not one JSON object in canonical form";
    }
    JsonNode body = CanonicalJson.parseObject(f.body());
    String problem = EntryFormat.problem(body);
    if (problem != null) {
      return "the entry's body is not a valid entry: " + problem;
    }
    if (EntryFormat.seq(body) != f.seq()) {
      return "column seq disagrees with the body";
    }
    if (!EntryFormat.timeText(body).equals(EntryFormat.formatTime(f.recordedAt()))
        || !f.recordedAt().equals(EntryFormat.time(body))) {
      return "column recorded_at disagrees with the body";
    }
    if (!text(body, "kind").equals(f.kind())) {
      return "column kind disagrees with the body";
    }
    if (!text(body, "actor").equals(f.actor())) {
      return "column actor disagrees with the body";
    }
    if (!Objects.equals(optional(body, "subject"), f.subject())) {
      return "column subject disagrees with the body";
    }
    if (!Objects.equals(optional(body, "outcome"), f.outcome())) {
      return "column outcome disagrees with the body";
    }
    if (!Objects.equals(optional(body, "policy_version"), f.policyVersion())) {
      return "column policy_version disagrees with the body";
    }
    if (!Objects.equals(optional(body, "trace_id"), f.traceId())) {
      return "column trace_id disagrees with the body";
    }
    return null;
  }

  private static String text(JsonNode body, String name) {
    return body.path(name).asText();
  }

  private static @Nullable String optional(JsonNode body, String name) {
    JsonNode value = body.get(name);
    // A member that is present but not a string never equals a column value.
    return value == null ? null : value.isTextual() ? value.asText() : "\0" + value;
  }

  private static long micros(Instant time) {
    return Math.addExact(
        Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000L);
  }

  private static void writeLong(ByteArrayOutputStream out, long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift));
    }
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    int n = bytes.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.writeBytes(bytes);
  }

  private static void writeText(ByteArrayOutputStream out, String text) {
    writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeOptional(ByteArrayOutputStream out, @Nullable String text) {
    if (text == null) {
      out.write(0);
    } else {
      out.write(1);
      writeText(out, text);
    }
  }
}
