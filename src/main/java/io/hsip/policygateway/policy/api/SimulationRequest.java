package io.hsip.policygateway.policy.api;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request to decide, as the simulate endpoints take it.
 *
 * @param requester who asks
 * @param target whom or what they want to reach (absent: nothing specific)
 * @param purpose the purpose
 * @param requestedTtlMs the TTL asked for, in ms
 * @param at when to decide as of (ISO 8601 with offset); absent: now
 */
public record SimulationRequest(
    @NotNull @Valid Requester requester,
    @Valid @Nullable Target target,
    @NotBlank @Size(max = 128) String purpose,
    @Positive long requestedTtlMs,
    @Nullable OffsetDateTime at) {

  private static final String PEER_ID = "^[A-Z2-7]{26}$";
  static final String NAME = "^[a-z0-9][a-z0-9._-]{0,62}$";

  /**
   * The requester of a simulated request.
   *
   * @param peerId PeerID
   * @param kind member or external
   * @param groups groups
   * @param reputation reputation (unknown: 0)
   */
  public record Requester(
      @NotNull @Pattern(regexp = PEER_ID) String peerId,
      @NotNull @Pattern(regexp = "member|external") String kind,
      @Nullable @Size(max = 100) List<@Pattern(regexp = NAME) String> groups,
      @Min(-1000) @Max(1000) int reputation) {}

  /**
   * The target of a simulated request.
   *
   * @param member target member PeerID
   * @param groups the target's groups, or the team channel's group
   * @param service the service
   */
  public record Target(
      @Nullable @Pattern(regexp = PEER_ID) String member,
      @Nullable @Size(max = 100) List<@Pattern(regexp = NAME) String> groups,
      @Nullable @Pattern(regexp = NAME) String service) {}

  /** The request to evaluate; without {@code at} it is decided as of {@code nowMillis}. */
  PolicyRequest toPolicyRequest(long nowMillis) {
    Target t = target == null ? new Target(null, null, null) : target;
    return new PolicyRequest(
        new PolicyRequest.Requester(
            requester.peerId(),
            RequesterKind.fromWire(requester.kind()).orElseThrow(),
            requester.groups() == null ? Set.of() : Set.copyOf(requester.groups()),
            requester.reputation()),
        new PolicyRequest.Target(
            t.member(), t.groups() == null ? Set.of() : Set.copyOf(t.groups()), t.service()),
        purpose,
        requestedTtlMs,
        at == null ? nowMillis : at.toInstant().toEpochMilli());
  }
}
