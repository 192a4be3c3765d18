package io.hsip.policygateway.policy;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/** Policy documents and requests for tests. */
public final class PolicyDocs {

  /** The example organisation's policy file. */
  public static final Path EXAMPLE = Path.of("policies/example-org.yaml");

  /** A member PeerID. */
  public static final String ALICE = "ALICE222222222222222222222";

  /** Another member PeerID. */
  public static final String BOB = "BOB22222222222222222222222";

  private PolicyDocs() {}

  /** A policy set name no earlier run used (the test database keeps published versions forever). */
  public static String uniqueSet() {
    return "t-" + UUID.randomUUID().toString().substring(0, 13);
  }

  /** The example organisation's document. */
  public static String example() {
    try {
      return Files.readString(EXAMPLE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example organisation's document, renamed to {@code set}. */
  public static String example(String set) {
    return example().replace("policy_set: acme", "policy_set: " + set);
  }

  /** A small document: members chat (cap {@code chatCap}), and whatever {@code extraRules} add. */
  public static String small(String set, String chatCap, String extraRules) {
    return """
        schema: hsip.io/policy/v1
        policy_set: %s
        timezone: Europe/Berlin
        groups: [finance, support, engineering]
        services: [chat, file-transfer]
        rules:
          - id: members-chat
            effect: allow
            requester: {kind: member}
            target: {services: [chat]}
            purpose: {exact: [chat]}
            ttl_cap: %s
        %s"""
        .formatted(set, chatCap, extraRules.indent(2));
  }

  /**
   * A member asking {@code purpose} of chat for {@code ttlMs}, on a Wednesday at 10:00 Berlin time.
   */
  public static PolicyRequest memberChat(String purpose, long ttlMs) {
    return request(
        RequesterKind.MEMBER,
        Set.of(),
        80,
        "chat",
        Set.of(),
        purpose,
        ttlMs,
        "2026-03-04T10:00:00+01:00");
  }

  /** Any request. */
  public static PolicyRequest request(
      RequesterKind kind,
      Set<String> groups,
      int reputation,
      String service,
      Set<String> targetGroups,
      String purpose,
      long ttlMs,
      String at) {
    return new PolicyRequest(
        new PolicyRequest.Requester(ALICE, kind, groups, reputation),
        new PolicyRequest.Target(BOB, targetGroups, service),
        purpose,
        ttlMs,
        OffsetDateTime.parse(at).toInstant().toEpochMilli());
  }
}
