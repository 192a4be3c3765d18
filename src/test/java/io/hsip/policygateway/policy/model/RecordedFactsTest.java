package io.hsip.policygateway.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The facts a decision entry records read back into the request the policy decided on; a list too
 * long to record, and missing or malformed facts, read as nothing (not replayable), never as a
 * different request.
 */
class RecordedFactsTest {

  private static final PolicyRequest MEMBER_TO_MEMBER =
      new PolicyRequest(
          new PolicyRequest.Requester(
              "REQUESTER", RequesterKind.MEMBER, Set.of("sales", "engineering"), 73),
          new PolicyRequest.Target("TARGET", Set.of("finance"), null),
          "chat",
          90_000,
          1_790_000_000_123L);

  private static Map<String, String> recorded(PolicyRequest request) {
    Map<String, String> details = new HashMap<>(RecordedFacts.details(request, 4096));
    details.put(RecordedFacts.PURPOSE, request.purpose());
    return details;
  }

  @Test
  void aMemberToMemberRequestReadsBackAsItWas() {
    Map<String, String> details = recorded(MEMBER_TO_MEMBER);
    assertThat(details)
        .containsEntry("requester_groups", "engineering,sales")
        .containsEntry("target_groups", "finance")
        .containsEntry("requester_reputation", "73")
        .containsEntry("requested_ttl_ms", "90000")
        .containsEntry("decided_at_ms", "1790000000123")
        .doesNotContainKey("target_service");
    assertThat(RecordedFacts.read(details, "REQUESTER", "TARGET")).contains(MEMBER_TO_MEMBER);
  }

  @Test
  void aServiceAndAnExternalRequesterWithoutGroupsReadBackAsTheyWere() {
    PolicyRequest toService =
        new PolicyRequest(
            new PolicyRequest.Requester("OUTSIDER", RequesterKind.EXTERNAL, Set.of(), 0),
            new PolicyRequest.Target(null, Set.of(), "vault"),
            "backup.run",
            1,
            0);
    Map<String, String> details = recorded(toService);
    assertThat(details).doesNotContainKeys("requester_groups", "target_groups");
    assertThat(RecordedFacts.read(details, "OUTSIDER", null)).contains(toService);
  }

  @Test
  void groupsTooLongToRecordLeaveNoFactsAtAll() {
    assertThat(RecordedFacts.details(MEMBER_TO_MEMBER, "engineering,sales".length())).isNotEmpty();
    assertThat(RecordedFacts.details(MEMBER_TO_MEMBER, "engineering,sales".length() - 1)).isEmpty();
  }

  @Test
  void missingOrMalformedFactsReadAsNothing() {
    for (String fact :
        new String[] {
          "requested_ttl_ms", "decided_at_ms", "purpose", "requester_reputation", "requester_kind"
        }) {
      Map<String, String> missing = recorded(MEMBER_TO_MEMBER);
      missing.remove(fact);
      assertThat(RecordedFacts.read(missing, "REQUESTER", "TARGET")).as(fact).isEmpty();
    }
    for (Map.Entry<String, String> bad :
        Map.of(
                "requested_ttl_ms", "0",
                "decided_at_ms", "soon",
                "requester_reputation", "high",
                "requester_kind", "robot")
            .entrySet()) {
      Map<String, String> malformed = recorded(MEMBER_TO_MEMBER);
      malformed.put(bad.getKey(), bad.getValue());
      assertThat(RecordedFacts.read(malformed, "REQUESTER", "TARGET")).as(bad.getKey()).isEmpty();
    }
  }
}
