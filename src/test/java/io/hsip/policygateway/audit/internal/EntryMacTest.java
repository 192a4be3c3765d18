package io.hsip.policygateway.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.transparency.EntryMacKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The MAC encoding of a stored entry: unambiguous, covering every column but leaf_index. */
class EntryMacTest {

  private static final EntryMacKey KEY = EntryMacKey.derive(Fixtures.RESPONDER);
  private static final Instant TIME = Instant.parse("2026-03-01T12:00:00.123Z");
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private static EntryMac.Fields fields(String actor, String outcome) {
    return new EntryMac.Fields(
        7, TIME, "decision", actor, null, outcome, "sha256:ab", "0af7651916cd43dd", BODY);
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    EntryMac.Fields ab = fields("ab", "c");
    EntryMac.Fields a = fields("a", "bc");
    assertThat(EntryMac.encode(ab)).isNotEqualTo(EntryMac.encode(a));
    assertThat(EntryMac.mac(KEY, ab)).isNotEqualTo(EntryMac.mac(KEY, a));
  }

  @Test
  void absentAndEmptyAreDifferent() {
    EntryMac.Fields absent =
        new EntryMac.Fields(7, TIME, "decision", "gateway", null, null, null, null, BODY);
    EntryMac.Fields empty =
        new EntryMac.Fields(7, TIME, "decision", "gateway", "", null, null, null, BODY);
    EntryMac.Fields moved =
        new EntryMac.Fields(7, TIME, "decision", "gateway", null, "", null, null, BODY);
    assertThat(EntryMac.mac(KEY, absent))
        .isNotEqualTo(EntryMac.mac(KEY, empty))
        .isNotEqualTo(EntryMac.mac(KEY, moved));
    assertThat(EntryMac.mac(KEY, empty)).isNotEqualTo(EntryMac.mac(KEY, moved));
  }

  @Test
  void everyColumnIsCovered() {
    EntryMac.Fields base = fields("gateway", "allow");
    byte[] mac = EntryMac.mac(KEY, base);
    EntryMac.Fields[] changed = {
      new EntryMac.Fields(
          8, TIME, "decision", "gateway", null, "allow", "sha256:ab", "0af7651916cd43dd", BODY),
      new EntryMac.Fields(
          7,
          TIME.plusNanos(1_000),
          "decision",
          "gateway",
          null,
          "allow",
          "sha256:ab",
          "0af7651916cd43dd",
          BODY),
      new EntryMac.Fields(
          7, TIME, "key-event", "gateway", null, "allow", "sha256:ab", "0af7651916cd43dd", BODY),
      new EntryMac.Fields(
          7, TIME, "decision", "gateway", "ab".repeat(32), "allow", "sha256:ab", "0af76519", BODY),
      new EntryMac.Fields(
          7, TIME, "decision", "gateway", null, "allow", "sha256:ac", "0af7651916cd43dd", BODY),
      new EntryMac.Fields(
          7, TIME, "decision", "gateway", null, "allow", "sha256:ab", "1af7651916cd43dd", BODY),
      new EntryMac.Fields(
          7,
          TIME,
          "decision",
          "gateway",
          null,
          "allow",
          "sha256:ab",
          "0af7651916cd43dd",
          "{ }".getBytes(StandardCharsets.UTF_8)),
    };
    for (EntryMac.Fields other : changed) {
      assertThat(EntryMac.mac(KEY, other)).as(other.toString()).isNotEqualTo(mac);
    }
    assertThat(KEY.verify(EntryMac.encode(base), mac)).isTrue();
    assertThat(KEY.verify(EntryMac.encode(base), new byte[32])).isFalse();
    assertThat(KEY.verify(EntryMac.encode(base), new byte[0])).isFalse();
  }

  @Test
  void theKeyIsDerivedPerGatewayAndNamedByItsPublicKey() {
    EntryMacKey other = EntryMacKey.derive(Fixtures.REQUESTER);
    EntryMac.Fields f = fields("gateway", "allow");
    assertThat(EntryMac.mac(other, f)).isNotEqualTo(EntryMac.mac(KEY, f));
    assertThat(KEY.keyId()).matches("[0-9a-f]{16}").isNotEqualTo(other.keyId());
    assertThat(EntryMacKey.derive(Fixtures.RESPONDER).keyId()).isEqualTo(KEY.keyId());
    assertThat(EntryMac.mac(EntryMacKey.derive(Fixtures.RESPONDER), f))
        .isEqualTo(EntryMac.mac(KEY, f));
    assertThat(KEY.toString()).isEqualTo("EntryMacKey[" + KEY.keyId() + ", redacted]");
  }
}
