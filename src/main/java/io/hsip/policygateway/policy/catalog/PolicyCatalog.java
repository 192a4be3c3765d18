package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.lifecycle.InvalidPolicyException;
import io.hsip.policygateway.policy.lifecycle.PolicyAdminEvent;
import io.hsip.policygateway.policy.lifecycle.PolicyApproval;
import io.hsip.policygateway.policy.lifecycle.PolicyDraft;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyProblems;
import io.hsip.policygateway.policy.lifecycle.PolicyVersion;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.policy.model.PolicyRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The policy read model for the REST API and the console: sets, versions, drafts, approvals, admin
 * events, diffs, exports, validation and simulation, each answered as view records so that no
 * caller touches an entity. Changes go through {@link PolicyLifecycle}; its results become views
 * through the views' {@code from} factories.
 */
@ApplicationScoped
public class PolicyCatalog {

  /** The default page of a list. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page of a list (as in the audit API). */
  public static final int MAX_LIMIT = 1000;

  private final PolicyLifecycle lifecycle;
  private final LivePolicy live;

  PolicyCatalog(PolicyLifecycle lifecycle, LivePolicy live) {
    this.lifecycle = lifecycle;
    this.live = live;
  }

  /** Every policy set with its version in force, by name. */
  public List<PolicySetView> sets() {
    return PolicyVersion.latestOfEachSet().stream()
        .map(
            v ->
                new PolicySetView(
                    v.policySet(),
                    v.version(),
                    v.digest,
                    v.publishedBy,
                    v.publishedAt,
                    PolicyApproval.pendingFor(v.policySet()),
                    v.policySet().equals(live.policySet())))
        .toList();
  }

  /** What this replica enforces (no version while nothing is loaded). */
  public LiveView live() {
    return live.current()
        .map(p -> new LiveView(live.policySet(), p.version(), p.digest()))
        .orElse(new LiveView(live.policySet(), null, null));
  }

  /**
   * Checks a document without saving it.
   *
   * @throws io.hsip.policygateway.base.error.ProblemException {@link PolicyProblems#TOO_LARGE} over
   *     the size limit, or {@link InvalidPolicyException} with every error
   */
  public ValidationView validate(byte[] document) {
    Compilation compilation = lifecycle.validate(document);
    if (!compilation.ok()) {
      if (document.length > lifecycle.limits().maxBytes()) {
        throw PolicyProblems.TOO_LARGE.exception(compilation.errors().getFirst().message());
      }
      throw new InvalidPolicyException(compilation.errors());
    }
    CompiledPolicy policy = compilation.orThrow();
    return new ValidationView(
        true,
        policy.document().policySet(),
        policy.digest(),
        policy.document().rules().size(),
        FindingView.all(compilation.warnings()));
  }

  /**
   * A page of drafts, most recently edited first (ties by id), without documents.
   *
   * @param before the {@code nextBefore} of the previous page, or null for the first
   * @param limit page size, 1 to {@value #MAX_LIMIT}
   * @throws io.hsip.policygateway.base.error.ProblemException ({@link
   *     PolicyProblems#INVALID_QUERY}) for a bad limit or cursor
   */
  public DraftPage drafts(@Nullable String before, int limit) {
    requireLimit(limit);
    PageCursor after = PageCursor.decode("before", before);
    List<PolicyDraft> rows =
        PolicyDraft.newestFirstAfter(
            after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    List<PolicyDraft> page = rows.subList(0, Math.min(limit, rows.size()));
    String next = null;
    if (rows.size() > limit) {
      PolicyDraft last = page.getLast();
      next = new PageCursor(last.updatedAt, last.id).encode();
    }
    return new DraftPage(page.stream().map(DraftView::summary).toList(), next);
  }

  /**
   * One draft with its document. @throws io.hsip.policygateway.base.error.ProblemException if there
   * is none
   */
  public DraftView draft(UUID id) {
    return DraftView.from(lifecycle.draft(id));
  }

  /**
   * A page of a set's versions, newest first, without documents.
   *
   * @param before the {@code nextBefore} of the previous page (a version number), or null for the
   *     first
   * @param limit page size, 1 to {@value #MAX_LIMIT}
   * @throws io.hsip.policygateway.base.error.ProblemException ({@link PolicyProblems#NOT_FOUND}) if
   *     there is no such set, ({@link PolicyProblems#INVALID_QUERY}) for a bad limit or cursor
   */
  public VersionPage versions(String policySet, @Nullable String before, int limit) {
    requireLimit(limit);
    Integer older = versionCursor(before);
    List<PolicyVersion> rows = PolicyVersion.historyBefore(policySet, older, limit + 1);
    if (rows.isEmpty() && PolicyVersion.latest(policySet).isEmpty()) {
      throw PolicyProblems.NOT_FOUND.exception("there is no policy set " + policySet);
    }
    List<PolicyVersion> page = rows.subList(0, Math.min(limit, rows.size()));
    return new VersionPage(
        page.stream().map(VersionView::summary).toList(),
        rows.size() > limit ? page.getLast().version() : null);
  }

  /**
   * One version with its document. @throws io.hsip.policygateway.base.error.ProblemException if
   * there is none
   */
  public VersionView version(String policySet, int version) {
    return VersionView.from(lifecycle.version(policySet, version));
  }

  /**
   * The version in force as published. @throws io.hsip.policygateway.base.error.ProblemException if
   * none
   */
  public PolicyExport exportLatest(String policySet) {
    return PolicyVersion.latest(policySet)
        .map(PolicyExport::from)
        .orElseThrow(
            () -> PolicyProblems.NOT_FOUND.exception("there is no policy set " + policySet));
  }

  /**
   * One version as published. @throws io.hsip.policygateway.base.error.ProblemException if there is
   * none
   */
  public PolicyExport export(String policySet, int version) {
    return PolicyExport.from(lifecycle.version(policySet, version));
  }

  /** A rule-level diff between two versions of a set. */
  public PolicyDiff diff(String policySet, int from, int to) {
    return lifecycle.diff(policySet, from, to);
  }

  /** Decides one request with a published version, with the explanation. */
  public SimulationView simulate(String policySet, int version, PolicyRequest request) {
    return SimulationView.from(lifecycle.simulate(policySet, version, request));
  }

  /** Decides one request with a draft, with the explanation. */
  public SimulationView simulateDraft(UUID id, PolicyRequest request) {
    return SimulationView.from(lifecycle.simulateDraft(id, request));
  }

  /**
   * A page of approval requests with a status, oldest request first (ties by id).
   *
   * @param status pending, approved or rejected
   * @param after the {@code nextAfter} of the previous page, or null for the first
   * @param limit page size, 1 to {@value #MAX_LIMIT}
   * @throws IllegalArgumentException for any other status
   * @throws io.hsip.policygateway.base.error.ProblemException ({@link
   *     PolicyProblems#INVALID_QUERY}) for a bad limit or cursor
   */
  public ApprovalPage approvals(String status, @Nullable String after, int limit) {
    PolicyApproval.Status wanted =
        PolicyApproval.Status.fromWire(status)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "an approval status is pending, approved or rejected, not " + status));
    requireLimit(limit);
    PageCursor from = PageCursor.decode("after", after);
    List<PolicyApproval> rows =
        PolicyApproval.withStatusAfter(
            wanted, from == null ? null : from.at(), from == null ? null : from.id(), limit + 1);
    List<PolicyApproval> page = rows.subList(0, Math.min(limit, rows.size()));
    String next = null;
    if (rows.size() > limit) {
      PolicyApproval last = page.getLast();
      next = new PageCursor(last.requestedAt, last.id).encode();
    }
    return new ApprovalPage(page.stream().map(ApprovalView::from).toList(), next);
  }

  /**
   * One approval request. @throws io.hsip.policygateway.base.error.ProblemException if there is
   * none
   */
  public ApprovalView approval(UUID id) {
    return ApprovalView.from(lifecycle.approval(id));
  }

  /** Up to {@code limit} admin events after id {@code after}, in id order, of one set or of all. */
  public List<EventView> events(long after, int limit, @Nullable String policySet) {
    List<PolicyAdminEvent> events =
        policySet == null
            ? PolicyAdminEvent.after(after, limit)
            : PolicyAdminEvent.after(policySet, after, limit);
    return events.stream().map(EventView::from).toList();
  }

  private static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw PolicyProblems.INVALID_QUERY.exception(
          "`limit` must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
  }

  /** A version number handed out as {@code next_before}; null for none. */
  private static @Nullable Integer versionCursor(@Nullable String before) {
    if (before == null) {
      return null;
    }
    if (!before.matches("[1-9][0-9]{0,8}")) {
      throw PolicyProblems.INVALID_QUERY.exception(
          "`before` must be a version number (the next_before of the previous page)");
    }
    return Integer.parseInt(before);
  }
}
