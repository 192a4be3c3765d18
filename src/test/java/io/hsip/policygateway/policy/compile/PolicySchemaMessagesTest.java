package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Schema findings say in words what a field must be, one test per kind of check, each with the
 * exact message, pointer, line and column an author sees.
 */
class PolicySchemaMessagesTest {

  private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);

  /** A valid document whose one rule ends with {@code ruleFields} (indented as rule fields). */
  private static String document(String topFields, String ruleFields) {
    return """
        schema: hsip.io/policy/v1
        policy_set: s
        timezone: Europe/Berlin
        groups: [finance]
        %s
        rules:
          - id: r
            effect: allow
        %s"""
        .formatted(topFields, ruleFields.indent(4).stripTrailing());
  }

  private void assertOnlyError(
      String document, String pointer, int line, int column, String message) {
    Compilation c = compiler.compile(document);
    assertThat(c.errors())
        .extracting(
            Finding::code, Finding::pointer, Finding::line, Finding::column, Finding::message)
        .containsExactly(tuple("schema", pointer, line, column, message));
  }

  @Test
  void aDurationPatternSaysWhatADurationLooksLike() {
    assertOnlyError(
        document("max_ttl: 24 hours", ""),
        "/max_ttl",
        5,
        10,
        "max_ttl must be a duration such as 30m, 8h or 7d");
  }

  @Test
  void aNamePatternSaysWhichCharactersANameMayHave() {
    assertOnlyError(
        document("", "").replace("policy_set: s", "policy_set: Not_A_Name"),
        "/policy_set",
        2,
        13,
        "policy_set must be a name of lowercase letters, digits, '.', '_' and '-' that starts with a letter or"
            + " digit (at most 63 characters)");
  }

  @Test
  void aPeerIdPatternNamesTheListTheEntryIsIn() {
    assertOnlyError(
        document("", "requester: {peer_ids: [alice]}"),
        "/rules/0/requester/peer_ids/0",
        9,
        28,
        "an entry of requester.peer_ids must be a PeerID: 26 characters from A-Z and 2-7");
  }

  @Test
  void aClockPatternSaysWhatATimeOfDayLooksLike() {
    assertOnlyError(
        document("", "time: {from: '25:00'}"),
        "/rules/0/time/from",
        9,
        18,
        "time.from must be a time of day such as 08:00 or 17:30 (HH:MM, 24-hour clock)");
  }

  @Test
  void anEnumListsTheAllowedValues() {
    assertOnlyError(
        document("", "").replace("effect: allow", "effect: permit"),
        "/rules/0/effect",
        8,
        13,
        "effect must be allow or deny");
    assertOnlyError(
        document("", "time: {days: [mon, funday]}"),
        "/rules/0/time/days/1",
        9,
        24,
        "an entry of time.days must be one of mon, tue, wed, thu, fri, sat or sun");
  }

  @Test
  void aConstantSaysTheOnlyValue() {
    assertOnlyError(
        document("", "").replace("hsip.io/policy/v1", "hsip.io/policy/v2"),
        "/schema",
        1,
        9,
        "schema must be hsip.io/policy/v1");
  }

  @Test
  void aWrongTypeSaysWhatWasExpectedAndWhatWasFound() {
    assertOnlyError(
        document("", "").replace("groups: [finance]", "groups: finance"),
        "/groups",
        4,
        9,
        "groups must be a list, not text");
    assertOnlyError(
        document("", "requester: {min_reputation: high}"),
        "/rules/0/requester/min_reputation",
        9,
        33,
        "requester.min_reputation must be a whole number, not text");
  }

  @Test
  void aMissingFieldIsNamedWithWhereItIsMissing() {
    assertOnlyError(
        document("", "").replace("timezone: Europe/Berlin\n", ""),
        "",
        1,
        1,
        "the document is missing the required field timezone");
    assertOnlyError(
        document("", "").replace("    effect: allow\n", ""),
        "/rules/0",
        7,
        5,
        "the rule is missing the required field effect");
    assertOnlyError(
        document("", "rate_limit: {requests: 5}"),
        "/rules/0/rate_limit",
        9,
        17,
        "rate_limit is missing the required field per");
  }

  @Test
  void anUnknownFieldListsTheAllowedOnesAndPointsAtItsValue() {
    assertOnlyError(
        document("", "maxttl: 8h"),
        "/rules/0/maxttl",
        9,
        13,
        "unknown field maxttl in the rule; allowed fields are id, description, effect, requester, target, purpose,"
            + " requested_ttl, time, condition, ttl_cap, rate_limit");
    assertOnlyError(
        document("maxttl: 8h", ""),
        "/maxttl",
        5,
        9,
        "unknown field maxttl in the document; allowed fields are schema, policy_set, description, timezone, groups,"
            + " services, max_ttl, rules");
    assertOnlyError(
        document("", "requester: {peer_id: [alice]}"),
        "/rules/0/requester/peer_id",
        9,
        26,
        "unknown field peer_id in requester; allowed fields are peer_ids, kind, groups_any, groups_all,"
            + " min_reputation, max_reputation");
  }

  @Test
  void boundsOnNumbersSayTheBound() {
    assertOnlyError(
        document("", "requester: {min_reputation: 5000}"),
        "/rules/0/requester/min_reputation",
        9,
        33,
        "requester.min_reputation must be at most 1000");
    assertOnlyError(
        document("", "rate_limit: {requests: 0, per: 1m}"),
        "/rules/0/rate_limit/requests",
        9,
        28,
        "rate_limit.requests must be at least 1");
  }

  @Test
  void boundsOnListsSayHowManyEntries() {
    assertOnlyError(
        document("", "requester: {groups_any: []}"),
        "/rules/0/requester/groups_any",
        9,
        29,
        "requester.groups_any must list at least one entry");
    String many =
        IntStream.rangeClosed(0, 200).mapToObj(i -> "g" + i).collect(Collectors.joining(", "));
    assertOnlyError(
        document("", "requester: {groups_any: [" + many + "]}"),
        "/rules/0/requester/groups_any",
        9,
        29,
        "requester.groups_any must list at most 200 entries; it lists 201");
    assertOnlyError(
        document("", "").replace("groups: [finance]", "groups: [finance, finance]"),
        "/groups",
        4,
        9,
        "groups must not list the same entry twice");
  }

  @Test
  void boundsOnTextSayHowLong() {
    assertOnlyError(
        document("", "condition: ''"), "/rules/0/condition", 9, 16, "condition must not be empty");
    assertOnlyError(
        document("", "description: " + "x".repeat(1001)),
        "/rules/0/description",
        9,
        18,
        "description must be at most 1000 characters long");
  }

  @Test
  void anEmptyObjectSaysWhichFieldsItCouldSet() {
    assertOnlyError(
        document("", "purpose: {}"),
        "/rules/0/purpose",
        9,
        14,
        "purpose must set at least one of exact or prefixes");
    assertOnlyError(
        document("", "time: {}"),
        "/rules/0/time",
        9,
        11,
        "time must set at least one of days, from or until");
  }
}
