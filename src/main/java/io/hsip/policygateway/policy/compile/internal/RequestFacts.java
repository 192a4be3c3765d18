package io.hsip.policygateway.policy.compile.internal;

import io.hsip.policygateway.policy.model.PolicyRequest;
import java.time.Instant;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request as the rules see it: the request plus what is derived from it lazily (local time in
 * the policy's zone, the CEL variables), so each is computed at most once per decision and only if
 * a candidate rule needs it.
 */
public final class RequestFacts {

  private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  private final PolicyRequest request;
  private final ZoneRules zone;
  private int minuteOfDay = -1;
  private int weekday = -1;
  private @Nullable List<String> requesterGroups;
  private @Nullable List<String> targetGroups;

  /** Facts of {@code request} for a policy in {@code zone}. */
  public RequestFacts(PolicyRequest request, ZoneRules zone) {
    this.request = request;
    this.zone = zone;
  }

  /** The request. */
  public PolicyRequest request() {
    return request;
  }

  /** Minutes since local midnight. */
  public int minuteOfDay() {
    if (minuteOfDay < 0) {
      localTime();
    }
    return minuteOfDay;
  }

  /** Local weekday, Monday = 0. */
  public int weekday() {
    if (weekday < 0) {
      localTime();
    }
    return weekday;
  }

  private void localTime() {
    long atMs = request.atMs();
    long offsetSeconds = zone.getOffset(Instant.ofEpochMilli(atMs)).getTotalSeconds();
    long localSeconds = Math.floorDiv(atMs, 1000L) + offsetSeconds;
    long epochDay = Math.floorDiv(localSeconds, 86_400L);
    minuteOfDay = (int) (Math.floorMod(localSeconds, 86_400L) / 60);
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    weekday = (int) Math.floorMod(epochDay + 3, 7L);
  }

  /**
   * The value of the CEL variable {@code name} (see {@link CelConditions} for the variables), or
   * empty for a name that is none of them. Computed on demand: a condition that reads the
   * reputation and the hour builds no group lists.
   */
  public Optional<Object> variable(String name) {
    PolicyRequest r = request;
    Object value =
        switch (name) {
          case CelConditions.REQUESTER_PEER_ID -> r.requester().peerId();
          case CelConditions.REQUESTER_KIND -> r.requester().kind().wire();
          case CelConditions.REQUESTER_GROUPS -> requesterGroups();
          case CelConditions.REQUESTER_REPUTATION -> (long) r.requester().reputation();
          case CelConditions.TARGET_MEMBER ->
              r.target().member() == null ? "" : r.target().member();
          case CelConditions.TARGET_GROUPS -> targetGroups();
          case CelConditions.TARGET_SERVICE ->
              r.target().service() == null ? "" : r.target().service();
          case CelConditions.PURPOSE -> r.purpose();
          case CelConditions.REQUESTED_TTL_MS -> r.requestedTtlMs();
          case CelConditions.TIME_HOUR -> (long) (minuteOfDay() / 60);
          case CelConditions.TIME_MINUTE -> (long) (minuteOfDay() % 60);
          case CelConditions.TIME_WEEKDAY -> DAYS[weekday()];
          default -> null;
        };
    return Optional.ofNullable(value);
  }

  // Sorted: the groups arrive as sets, whose iteration order is unspecified (and for Set.copyOf
  // differs between JVM runs), so "groups[0]" or a list comparison must not depend on it.
  private List<String> requesterGroups() {
    if (requesterGroups == null) {
      requesterGroups = sorted(request.requester().groups());
    }
    return requesterGroups;
  }

  private List<String> targetGroups() {
    if (targetGroups == null) {
      targetGroups = sorted(request.target().groups());
    }
    return targetGroups;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
