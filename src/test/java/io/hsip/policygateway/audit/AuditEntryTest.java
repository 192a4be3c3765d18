package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * An entry that PostgreSQL or the canonical form would reject fails at construction, with the field
 * named.
 */
class AuditEntryTest {

  @Test
  void from_valid() {
    AuditEntry entry =
        AuditEntry.adminChange("alice", "policy.publish")
            .outcome("ok")
            .policyVersion("sha256:" + "ab".repeat(32))
            .detail("note", "emoji \uD83D\uDE00 is a pair")
            .build();
    assertThat(entry.details()).containsEntry("note", "emoji \uD83D\uDE00 is a pair");
  }

  @Test
  void from_nul() {
    assertThatThrownBy(() -> AuditEntry.adminChange("ali\u0000ce", "policy.publish").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `actor` contains a NUL character");
    assertThatThrownBy(
            () ->
                AuditEntry.adminChange("alice", "policy.publish")
                    .detail("note", "a\u0000b")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `details.note` contains a NUL character");
  }

  @Test
  void from_unpairedSurrogate() {
    assertThatThrownBy(() -> AuditEntry.adminChange("alice", "x\uD83D").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `action` contains an unpaired surrogate");
    assertThatThrownBy(
            () -> AuditEntry.adminChange("alice", "policy.publish").explanation("\uDE00x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `explanation` contains an unpaired surrogate");
  }

  @Test
  void from_overColumnLimits() {
    assertThatThrownBy(
            () -> AuditEntry.adminChange("alice", "policy.publish").outcome("o".repeat(33)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `outcome` must be 1-32 characters");
    assertThatThrownBy(
            () ->
                AuditEntry.adminChange("alice", "policy.publish")
                    .policyVersion("v".repeat(101))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `policy_version` must be 1-100 characters");
    assertThatThrownBy(() -> AuditEntry.adminChange("a".repeat(257), "policy.publish").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `actor` must be 1-256 characters");
  }

  @Test
  void detailsMayBeLongerThanAColumnButNotWithoutBound() {
    String groups = "g".repeat(AuditEntry.MAX_DETAIL_LENGTH);
    assertThat(AuditEntry.adminChange("alice", "x").detail("groups", groups).build().details())
        .containsEntry("groups", groups);
    assertThatThrownBy(
            () -> AuditEntry.adminChange("alice", "x").detail("groups", groups + "g").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry field `details.groups` must be 1-4096 characters");
  }

  @Test
  void peerDetailsAreEncodedAsPseudonymsAndNeverCollideWithTextDetails() {
    AuditEntry entry =
        AuditEntry.decision("REQUESTERPEERID", "allow")
            .detail("purpose", "chat")
            .peerDetail("target_member", "TARGETPEERID")
            .build();
    assertThat(entry.details()).doesNotContainKey("target_member");
    String body =
        new String(
            EntryFormat.encode(
                entry,
                7,
                java.time.Instant.EPOCH,
                "s".repeat(64),
                peer -> peer.equals("TARGETPEERID") ? "t".repeat(64) : "?"),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body)
        .contains("\"details\":{\"purpose\":\"chat\",\"target_member\":\"" + "t".repeat(64) + "\"}")
        .doesNotContain("TARGETPEERID");
    // Without a way to pseudonymise, such an entry cannot be encoded at all.
    assertThatThrownBy(() -> EntryFormat.encode(entry, 7, java.time.Instant.EPOCH, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                AuditEntry.adminChange("alice", "x")
                    .detail("peer", "text")
                    .peerDetail("peer", "PEERID")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry detail `peer` is given both as text and as a PeerID");
    AuditEntry.Builder many = AuditEntry.adminChange("alice", "x");
    for (int i = 0; i < AuditEntry.MAX_DETAILS; i++) {
      many.detail("d" + i, "v");
    }
    many.peerDetail("one-too-many", "PEERID");
    assertThatThrownBy(many::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit entry has more than 32 details");
  }
}
