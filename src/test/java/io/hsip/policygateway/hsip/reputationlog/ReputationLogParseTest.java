package io.hsip.policygateway.hsip.reputationlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing and verification of reference reputation logs (docs/protocol.md#reputation-log):
 * one fixture per rule of {@link ReputationEvent#parse}, {@link ReputationLog#parse} and {@link
 * ReputationLog#verify}. The valid log is the vectors' two events, both signed by the responder
 * about the requester; every message names the 1-based line. Fixtures: {@code
 * hsip/fixtures/reputation_log/}.
 */
class ReputationLogParseTest {

  private static final String FORMAT = "reputation_log";
  private static final String REQUESTER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";
  private static final String RESPONDER = "DW3C3OQDGHS4Z6ZGMG4UWWSML3";
  private static final Map<String, Ed25519PublicKey> TRUSTED =
      Map.of(RESPONDER, Fixtures.RESPONDER.publicKey());

  private static String log(String name) {
    return Fixtures.text(FORMAT, name);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertParseFails(String name) {
    return assertThatThrownBy(() -> ReputationLog.parse(log(name)))
        .isExactlyInstanceOf(ReputationLogException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(String name) {
    return assertThatThrownBy(() -> ReputationLog.parse(log(name)).verify(TRUSTED))
        .isExactlyInstanceOf(ReputationLogException.class);
  }

  @Test
  void from_valid() throws Exception {
    VerifiedReputationLog log = ReputationLog.parse(log("valid_log.log")).verify(TRUSTED);

    assertThat(log.lines()).extracting(ReputationLog.Line::number).containsExactly(1, 2);
    assertThat(log.lines())
        .extracting(line -> line.event().decisionType())
        .containsExactly(ReputationEventType.MISBEHAVIOR, ReputationEventType.INVALID_SIG);
    assertThat(log.lines().get(0).event().unixSeconds()).isEqualTo(1731880000L);
    assertThat(log.lines().get(1).event().evidence())
        .containsExactly(new Evidence("pcap_hash", "sha256:" + "ab".repeat(32)));
    assertThat(log.lines().get(1).event().ttl()).isNull();
    assertThat(log.score(REQUESTER)).isEqualTo(-13);
    String written =
        log.lines().get(0).event().toLine() + "\n" + log.lines().get(1).event().toLine() + "\n";
    assertThat(written).isEqualTo(log("valid_log.log"));
  }

  @Test
  void from_validCrlfAndBlankLines() throws Exception {
    ReputationLog log = ReputationLog.parse(log("valid_log_crlf_and_blank_lines.log"));
    log.verify(TRUSTED);

    assertThat(log.lines()).extracting(ReputationLog.Line::number).containsExactly(1, 2);
    assertThat(log.lines())
        .extracting(ReputationLog.Line::text)
        .isEqualTo(
            ReputationLog.parse(log("valid_log.log")).lines().stream()
                .map(ReputationLog.Line::text)
                .toList());
  }

  @Test
  void from_validTwoActors() throws Exception {
    ReputationLog.parse(log("valid_log_two_actors.log"))
        .verify(
            Map.of(
                RESPONDER,
                Fixtures.RESPONDER.publicKey(),
                REQUESTER,
                Fixtures.REQUESTER.publicKey()));
  }

  @Test
  void score_onlyOnAVerifiedLog() throws Exception {
    assertThat(ReputationLog.class.getMethods())
        .extracting(java.lang.reflect.Method::getName)
        .doesNotContain("score");
    assertThat(ReputationLog.class.getMethod("verify", Map.class).getReturnType())
        .isEqualTo(VerifiedReputationLog.class);
    assertThat(VerifiedReputationLog.class.getConstructors()).isEmpty();
  }

  // --- line and JSON rules ---

  @Test
  void from_lineTooLong() {
    assertParseFails("error_line_too_long.log").hasMessage("line 1: longer than 16384 characters");
  }

  @Test
  void from_malformedJson() {
    assertParseFails("error_malformed_json.log")
        .hasMessage("line 2: malformed JSON at line 1, column 654");
  }

  @Test
  void from_duplicateField() {
    assertParseFails("error_duplicate_field.log").hasMessage("line 1: duplicate field `severity`");
  }

  // --- event rules (ReputationEvent.parse) ---

  @Test
  void from_eventWithoutLineNumber() {
    String line = log("error_unsupported_version.log").lines().findFirst().orElseThrow();
    assertThatThrownBy(() -> ReputationEvent.parse(line))
        .isExactlyInstanceOf(ReputationLogException.class)
        .hasMessage("unsupported version 2 (expected 1)");
  }

  @Test
  void from_unsupportedVersion() {
    assertParseFails("error_unsupported_version.log")
        .hasMessage("line 1: unsupported version 2 (expected 1)");
  }

  @Test
  void from_eventIdNotUuid() {
    assertParseFails("error_event_id_not_uuid.log")
        .hasMessage("line 1: field `event_id` must be a lowercase hyphenated UUID");
  }

  @Test
  void from_tsNotSeconds() {
    assertParseFails("error_ts_not_seconds.log")
        .hasMessage("line 1: field `ts` must be Unix seconds followed by `s`");
  }

  @Test
  void from_tsOverflow() {
    assertParseFails("error_ts_overflow.log")
        .hasMessage("line 1: field `ts` must be Unix seconds followed by `s`");
  }

  @Test
  void from_actorNotPeerId() {
    assertParseFails("error_actor_not_peer_id.log")
        .hasMessage(
            "line 1: field `actor_peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
  }

  @Test
  void from_subjectEmpty() {
    assertParseFails("error_subject_empty.log")
        .hasMessage("line 1: field `subject_peer_id` must not be empty");
  }

  @Test
  void from_decisionTypeUnmangled() {
    assertParseFails("error_decision_type_unmangled.log")
        .hasMessage(
            "line 1: field `decision_type` is not one of the reference's spellings (e.g. M_I_S_B_E_H_A_V_I_O_R)");
  }

  @Test
  void from_severityOutOfRange() {
    assertParseFails("error_severity_out_of_range.log")
        .hasMessage("line 1: field `severity` is out of range");
  }

  @Test
  void from_evidenceNotArray() {
    assertParseFails("error_evidence_not_array.log")
        .hasMessage("line 2: field `evidence` must be an array of objects");
  }

  @Test
  void from_evidenceElementNotObject() {
    assertParseFails("error_evidence_element_not_object.log")
        .hasMessage("line 2: field `evidence` must be an array of objects");
  }

  @Test
  void from_evidenceMissingValue() {
    assertParseFails("error_evidence_missing_value.log")
        .hasMessage("line 2: missing field `evidence[0].value`");
  }

  @Test
  void from_reasonCodeMissing() {
    assertParseFails("error_reason_code_missing.log")
        .hasMessage("line 1: missing field `reason_code`");
  }

  @Test
  void from_ttlMissing() {
    assertParseFails("error_ttl_missing.log").hasMessage("line 1: missing field `ttl`");
  }

  @Test
  void from_ttlNotString() {
    assertParseFails("error_ttl_not_string.log")
        .hasMessage("line 1: field `ttl` must be a string or null");
  }

  @Test
  void from_weightOutOfRange() {
    assertParseFails("error_weight_out_of_range.log")
        .hasMessage("line 1: field `weight` is out of range");
  }

  @Test
  void from_weightNotInteger() {
    assertParseFails("error_weight_not_integer.log")
        .hasMessage("line 1: field `weight` must be an integer");
  }

  @Test
  void from_prevHashUppercase() {
    assertParseFails("error_prev_hash_uppercase.log")
        .hasMessage("line 2: field `prev_hash` must be 64 lowercase hex characters");
  }

  @Test
  void from_sigWrongLength() {
    assertParseFails("error_sig_wrong_length.log")
        .hasMessage("line 1: field `sig` must be 128 lowercase hex characters");
  }

  // --- chain, signatures and weights (ReputationLog.verify); every line parses ---

  @Test
  void from_chainBreak() {
    assertVerifyFails("error_chain_break.log")
        .hasMessage("line 2: prev_hash does not match the previous line");
  }

  @Test
  void from_firstLineRemoved() {
    assertVerifyFails("error_first_line_removed.log")
        .hasMessage("line 1: prev_hash does not match the previous line");
  }

  @Test
  void from_wrongWeight() {
    assertVerifyFails("error_wrong_weight.log")
        .hasMessage("line 1: weight -9 does not match M_I_S_B_E_H_A_V_I_O_R at severity 1 (-5)");
  }

  @Test
  void from_badSignature() {
    assertVerifyFails("error_bad_signature.log").hasMessage("line 2: signature does not verify");
  }

  @Test
  void from_untrustedActor() {
    assertVerifyFails("error_untrusted_actor.log")
        .hasMessage("line 2: actor I4MLJTQWUZ66GBMNYEP75Z2QSD is not a trusted actor");
  }
}
