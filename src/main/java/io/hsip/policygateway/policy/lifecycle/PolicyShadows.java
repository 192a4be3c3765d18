package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Shadow mode, the admin side: a draft is started as the shadow of its set (every replica then
 * evaluates it next to the live version and counts where it would answer differently, see {@code
 * policy.live.ShadowPolicy}); an admin reads what it would change, then promotes it (published
 * through the normal lifecycle, four-eyes included) or discards it. Each step is an admin event,
 * and so an audit entry.
 */
@ApplicationScoped
public class PolicyShadows {

  /**
   * The shadow of a set.
   *
   * @param policySet the set
   * @param shadowId this shadow run
   * @param digest SHA-256 of its canonical document
   * @param ruleCount its rules
   * @param startedBy who started it
   * @param startedAt when
   */
  public record Shadow(
      String policySet,
      UUID shadowId,
      String digest,
      int ruleCount,
      String startedBy,
      Instant startedAt) {}

  /**
   * Differences of one kind, with the same rules matched on each side, summed over the replicas.
   *
   * @param change allow_to_deny, deny_to_allow, ttl_shorter or ttl_longer
   * @param liveRules rules the live version matched (sorted, comma-separated)
   * @param shadowRules rules the shadow matched
   * @param decisions how many decisions
   * @param firstAt the first one
   * @param lastAt the last one
   */
  public record Difference(
      String change,
      String liveRules,
      String shadowRules,
      long decisions,
      Instant firstAt,
      Instant lastAt) {}

  /**
   * What a shadow would have changed so far.
   *
   * @param shadow the shadow
   * @param totals decisions per kind of change
   * @param differences the groups, most decisions first (at most 1,000)
   */
  public record Report(Shadow shadow, Map<String, Long> totals, List<Difference> differences) {}

  private final PolicyLifecycle lifecycle;
  private final Clock clock;

  PolicyShadows(PolicyLifecycle lifecycle, Clock clock) {
    this.lifecycle = lifecycle;
    this.clock = clock;
  }

  /**
   * Starts a draft as the shadow of its set, replacing any shadow the set had; the draft stays. Its
   * document must compile without errors, as for publishing.
   */
  @Transactional
  public Shadow start(Actor actor, UUID draftId) {
    PolicyDraft draft = lifecycle.draft(draftId);
    CompiledPolicy policy =
        lifecycle.compileOrReject(draft.source.getBytes(StandardCharsets.UTF_8)).orThrow();
    PolicyLifecycle.lockAdminWrites();
    Shadow replaced = find(draft.policySet);
    EntityManager em = Panache.getEntityManager();
    em.createNativeQuery("DELETE FROM policy_shadow WHERE policy_set = :set")
        .setParameter("set", draft.policySet)
        .executeUpdate();
    Instant now = clock.instant();
    UUID shadowId = UUID.randomUUID();
    em.createNativeQuery(
            "INSERT INTO policy_shadow (policy_set, shadow_id, digest, source, canonical,"
                + " rule_count, started_by, started_at) VALUES (:set, :id, :digest, :source,"
                + " :canonical, :rules, :by, :at)")
        .setParameter("set", draft.policySet)
        .setParameter("id", shadowId)
        .setParameter("digest", policy.digest())
        .setParameter("source", draft.source)
        .setParameter("canonical", policy.canonicalJson())
        .setParameter("rules", policy.document().rules().size())
        .setParameter("by", actor.name())
        .setParameter("at", Timestamp.from(now))
        .executeUpdate();
    Map<String, Object> details = new HashMap<>();
    details.put("shadow_id", shadowId.toString());
    details.put("draft_id", draftId.toString());
    details.put("rule_count", policy.document().rules().size());
    if (replaced != null) {
      details.put("replaced_shadow_id", replaced.shadowId().toString());
    }
    PolicyAdminEvent.record(
        now,
        actor.name(),
        PolicyAdminEvent.Action.SHADOW_START,
        draft.policySet,
        null,
        policy.digest(),
        details);
    return new Shadow(
        draft.policySet,
        shadowId,
        policy.digest(),
        policy.document().rules().size(),
        actor.name(),
        now);
  }

  /** The shadow of a set. @throws ProblemException (404) when it has none */
  public Shadow shadow(String policySet) {
    Shadow shadow = find(policySet);
    if (shadow == null) {
      throw PolicyProblems.NOT_FOUND.exception("policy set " + policySet + " has no shadow");
    }
    return shadow;
  }

  /** What the shadow of a set would have changed so far, over every replica. */
  @Transactional
  public Report report(String policySet) {
    Shadow shadow = shadow(policySet);
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        Panache.getEntityManager()
            .createNativeQuery(
                "SELECT change, live_rules, shadow_rules, sum(decisions), min(first_at),"
                    + " max(last_at) FROM policy_shadow_difference WHERE shadow_id = :id"
                    + " GROUP BY change, live_rules, shadow_rules"
                    + " ORDER BY sum(decisions) DESC, change, live_rules, shadow_rules LIMIT 1000")
            .setParameter("id", shadow.shadowId())
            .getResultList();
    List<Difference> differences = new ArrayList<>();
    for (Object[] row : rows) {
      differences.add(
          new Difference(
              (String) row[0],
              (String) row[1],
              (String) row[2],
              ((Number) row[3]).longValue(),
              instant(row[4]),
              instant(row[5])));
    }
    @SuppressWarnings("unchecked")
    List<Object[]> sums =
        Panache.getEntityManager()
            .createNativeQuery(
                "SELECT change, sum(decisions) FROM policy_shadow_difference WHERE shadow_id = :id"
                    + " GROUP BY change ORDER BY change")
            .setParameter("id", shadow.shadowId())
            .getResultList();
    Map<String, Long> totals = new java.util.TreeMap<>();
    for (String change :
        new String[] {"allow_to_deny", "deny_to_allow", "ttl_longer", "ttl_shorter"}) {
      totals.put(change, 0L);
    }
    for (Object[] row : sums) {
      totals.put((String) row[0], ((Number) row[1]).longValue());
    }
    return new Report(shadow, totals, differences);
  }

  /**
   * Publishes the shadow's document as the set's next version (in four-eyes mode: submits it for
   * approval) and ends the shadow.
   */
  @Transactional
  public PolicyLifecycle.Imported promote(Actor actor, String policySet) {
    PolicyLifecycle.lockAdminWrites();
    Shadow shadow = shadow(policySet);
    String source =
        (String)
            Panache.getEntityManager()
                .createNativeQuery("SELECT source FROM policy_shadow WHERE policy_set = :set")
                .setParameter("set", policySet)
                .getSingleResult();
    PolicyLifecycle.Imported imported =
        lifecycle.importDocument(actor, source.getBytes(StandardCharsets.UTF_8), true);
    end(actor, shadow, PolicyAdminEvent.Action.SHADOW_PROMOTE);
    return imported;
  }

  /** Ends the shadow of a set without publishing it. */
  @Transactional
  public void discard(Actor actor, String policySet) {
    PolicyLifecycle.lockAdminWrites();
    end(actor, shadow(policySet), PolicyAdminEvent.Action.SHADOW_DISCARD);
  }

  private void end(Actor actor, Shadow shadow, PolicyAdminEvent.Action action) {
    Panache.getEntityManager()
        .createNativeQuery("DELETE FROM policy_shadow WHERE policy_set = :set")
        .setParameter("set", shadow.policySet())
        .executeUpdate();
    Number differing =
        (Number)
            Panache.getEntityManager()
                .createNativeQuery(
                    "SELECT coalesce(sum(decisions), 0) FROM policy_shadow_difference"
                        + " WHERE shadow_id = :id")
                .setParameter("id", shadow.shadowId())
                .getSingleResult();
    PolicyAdminEvent.record(
        clock.instant(),
        actor.name(),
        action,
        shadow.policySet(),
        null,
        shadow.digest(),
        Map.of(
            "shadow_id", shadow.shadowId().toString(),
            "differing_decisions", differing.longValue()));
  }

  private static @Nullable Shadow find(String policySet) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        Panache.getEntityManager()
            .createNativeQuery(
                "SELECT policy_set, shadow_id, digest, rule_count, started_by, started_at"
                    + " FROM policy_shadow WHERE policy_set = :set")
            .setParameter("set", policySet)
            .getResultList();
    if (rows.isEmpty()) {
      return null;
    }
    Object[] row = rows.getFirst();
    return new Shadow(
        (String) row[0],
        (UUID) row[1],
        ((String) row[2]).strip(),
        ((Number) row[3]).intValue(),
        (String) row[4],
        instant(row[5]));
  }

  private static Instant instant(Object value) {
    return switch (value) {
      case Instant i -> i;
      case Timestamp t -> t.toInstant();
      case java.time.OffsetDateTime o -> o.toInstant();
      default -> throw new IllegalStateException("not a time: " + value.getClass().getSimpleName());
    };
  }
}
