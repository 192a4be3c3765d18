package io.hsip.policygateway.policy.model;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One rule of a policy: what it matches and its effect. Every present matcher must hold (AND); the
 * values listed inside one matcher are alternatives (OR), except {@code groups_all}.
 *
 * @param id stable identifier, unique in its document; decisions and diffs name rules by it
 * @param description why the rule exists, for people
 * @param effect allow or deny
 * @param requester who asks
 * @param target whom or what they want to reach
 * @param purpose what for
 * @param requestedTtl bounds on the TTL the requester asks for
 * @param time when (in the document's time zone), or null for always
 * @param condition an extra CEL condition, or null
 * @param ttlCap longest TTL an allow grants, or null for no cap of its own
 * @param rateLimit declared rate limit (enforced by the gateway), or null
 */
public record Rule(
    String id,
    String description,
    Effect effect,
    RequesterMatch requester,
    TargetMatch target,
    PurposeMatch purpose,
    TtlMatch requestedTtl,
    @Nullable TimeWindow time,
    @Nullable String condition,
    @Nullable Duration ttlCap,
    @Nullable RateLimit rateLimit) {

  /**
   * Conditions on the requester.
   *
   * @param peerIds PeerIDs, any of which matches (empty: any peer)
   * @param kind member or external, or null for both
   * @param groupsAny the requester must be in at least one of these groups (empty: no condition)
   * @param groupsAll the requester must be in all of these groups (empty: no condition)
   * @param minReputation lowest reputation that matches, or null
   * @param maxReputation highest reputation that matches, or null
   */
  public record RequesterMatch(
      Set<String> peerIds,
      @Nullable RequesterKind kind,
      Set<String> groupsAny,
      Set<String> groupsAll,
      @Nullable Integer minReputation,
      @Nullable Integer maxReputation) {
    /** Matches every requester. */
    public static final RequesterMatch ANY =
        new RequesterMatch(Set.of(), null, Set.of(), Set.of(), null, null);
  }

  /**
   * Conditions on the target.
   *
   * @param members target member PeerIDs, any of which matches (empty: any)
   * @param groupsAny the target (a member, or a team channel) is in at least one of these groups
   * @param services the target service, any of which matches (empty: any)
   */
  public record TargetMatch(Set<String> members, Set<String> groupsAny, Set<String> services) {
    /** Matches every target. */
    public static final TargetMatch ANY = new TargetMatch(Set.of(), Set.of(), Set.of());
  }

  /**
   * Conditions on the purpose: it matches when it is one of {@code exact} or starts with one of
   * {@code prefixes}; both empty means any purpose.
   *
   * @param exact purposes that match as written
   * @param prefixes purpose prefixes that match
   */
  public record PurposeMatch(Set<String> exact, List<String> prefixes) {
    /** Matches every purpose. */
    public static final PurposeMatch ANY = new PurposeMatch(Set.of(), List.of());

    /** Whether this matcher constrains nothing. */
    public boolean isAny() {
      return exact.isEmpty() && prefixes.isEmpty();
    }
  }

  /**
   * Bounds on the requested TTL, inclusive.
   *
   * @param atLeast shortest matching request, or null
   * @param atMost longest matching request, or null
   */
  public record TtlMatch(@Nullable Duration atLeast, @Nullable Duration atMost) {
    /** Matches every requested TTL. */
    public static final TtlMatch ANY = new TtlMatch(null, null);
  }

  /**
   * A weekly window in the document's time zone. {@code from} is inclusive and {@code until}
   * exclusive; when {@code until} is not after {@code from} the window wraps past midnight (night
   * hours). Days name the day a window opens: for a wrapping window the hours after midnight belong
   * to the previous day's window (with {@code days: [fri]}, 22:00-06:00 is Friday 22:00 to Saturday
   * 06:00).
   *
   * @param days days that match (empty: every day)
   * @param from start of the daily window, or null for midnight
   * @param until end of the daily window, or null for the end of the day
   */
  public record TimeWindow(
      Set<Weekday> days, @Nullable LocalTime from, @Nullable LocalTime until) {}

  /**
   * A declared rate limit: at most {@code requests} decisions per {@code per} and {@code key}.
   *
   * @param requests how many
   * @param per in which period
   * @param key what is counted: each asking peer, or each pair of asking peer and target ({@code
   *     requester_target})
   */
  public record RateLimit(int requests, Duration per, String key) {}

  /**
   * The conditions of this rule as short phrases, for explanations ("requester is a member", …).
   */
  public List<String> describeConditions(String zone) {
    List<String> out = new ArrayList<>();
    if (!requester.peerIds().isEmpty()) {
      out.add("requester is one of " + sorted(requester.peerIds()));
    }
    if (requester.kind() != null) {
      out.add(
          "requester is " + (requester.kind() == RequesterKind.MEMBER ? "a member" : "external"));
    }
    if (!requester.groupsAny().isEmpty()) {
      out.add("requester in any of groups " + sorted(requester.groupsAny()));
    }
    if (!requester.groupsAll().isEmpty()) {
      out.add("requester in all of groups " + sorted(requester.groupsAll()));
    }
    if (requester.minReputation() != null) {
      out.add("requester reputation >= " + requester.minReputation());
    }
    if (requester.maxReputation() != null) {
      out.add("requester reputation <= " + requester.maxReputation());
    }
    if (!target.members().isEmpty()) {
      out.add("target member is one of " + sorted(target.members()));
    }
    if (!target.groupsAny().isEmpty()) {
      out.add("target in any of groups " + sorted(target.groupsAny()));
    }
    if (!target.services().isEmpty()) {
      out.add("target service is one of " + sorted(target.services()));
    }
    if (!purpose.exact().isEmpty() || !purpose.prefixes().isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (!purpose.exact().isEmpty()) {
        parts.add("one of " + sorted(purpose.exact()));
      }
      if (!purpose.prefixes().isEmpty()) {
        parts.add("starts with one of " + purpose.prefixes());
      }
      out.add("purpose is " + String.join(" or ", parts));
    }
    if (requestedTtl.atLeast() != null) {
      out.add("requested TTL >= " + DurationText.format(requestedTtl.atLeast()));
    }
    if (requestedTtl.atMost() != null) {
      out.add("requested TTL <= " + DurationText.format(requestedTtl.atMost()));
    }
    if (time != null) {
      StringBuilder when = new StringBuilder("time is ");
      if (!time.days().isEmpty()) {
        when.append(
            time.days().stream().sorted().map(Weekday::wire).collect(Collectors.joining(",")));
        when.append(' ');
      }
      when.append(time.from() == null ? "00:00" : time.from().toString())
          .append('-')
          .append(time.until() == null ? "24:00" : time.until().toString())
          .append(' ')
          .append(zone);
      out.add(when.toString());
    }
    if (condition != null) {
      out.add("condition `" + condition.strip() + "` holds");
    }
    if (out.isEmpty()) {
      out.add("matches every request");
    }
    return out;
  }

  private static List<String> sorted(Set<?> values) {
    return values.stream().map(Object::toString).sorted().toList();
  }
}
