package io.hsip.policygateway.policy.compile.internal;

import io.hsip.policygateway.policy.model.PolicyRequest;
import java.time.Instant;
import java.time.zone.ZoneRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request as the rules see it: the request plus what is derived from it lazily (local time in
 * the policy's zone, the CEL activation), so each is computed at most once per decision and only if
 * a candidate rule needs it.
 */
public final class RequestFacts {

  private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  private final PolicyRequest request;
  private final ZoneRules zone;
  private int minuteOfDay = -1;
  private int weekday = -1;
  private @Nullable Map<String, Object> activation;

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

  /** The CEL activation (see {@link CelConditions} for the variables). */
  public Map<String, Object> activation() {
    if (activation == null) {
      PolicyRequest r = request;
      Map<String, Object> vars = new HashMap<>(16);
      vars.put(CelConditions.REQUESTER_PEER_ID, r.requester().peerId());
      vars.put(CelConditions.REQUESTER_KIND, r.requester().kind().wire());
      // Sorted: the groups arrive as sets, whose iteration order is unspecified (and for Set.copyOf
      // differs between JVM runs), so "groups[0]" or a list comparison must not depend on it.
      vars.put(CelConditions.REQUESTER_GROUPS, sorted(r.requester().groups()));
      vars.put(CelConditions.REQUESTER_REPUTATION, (long) r.requester().reputation());
      vars.put(CelConditions.TARGET_MEMBER, r.target().member() == null ? "" : r.target().member());
      vars.put(CelConditions.TARGET_GROUPS, sorted(r.target().groups()));
      vars.put(
          CelConditions.TARGET_SERVICE, r.target().service() == null ? "" : r.target().service());
      vars.put(CelConditions.PURPOSE, r.purpose());
      vars.put(CelConditions.REQUESTED_TTL_MS, r.requestedTtlMs());
      vars.put(CelConditions.TIME_HOUR, (long) (minuteOfDay() / 60));
      vars.put(CelConditions.TIME_MINUTE, (long) (minuteOfDay() % 60));
      vars.put(CelConditions.TIME_WEEKDAY, DAYS[weekday()]);
      activation = vars;
    }
    return activation;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
