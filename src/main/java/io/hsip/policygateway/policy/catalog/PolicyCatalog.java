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

  /** Every draft, most recently edited first, without documents. */
  public List<DraftView> drafts() {
    return PolicyDraft.newestFirst().stream().map(DraftView::summary).toList();
  }

  /**
   * One draft with its document. @throws io.hsip.policygateway.base.error.ProblemException if there
   * is none
   */
  public DraftView draft(UUID id) {
    return DraftView.from(lifecycle.draft(id));
  }

  /**
   * Every version of a set, newest first, without documents. @throws
   * io.hsip.policygateway.base.error.ProblemException if there is no such set
   */
  public List<VersionView> versions(String policySet) {
    List<PolicyVersion> history = PolicyVersion.history(policySet);
    if (history.isEmpty()) {
      throw PolicyProblems.NOT_FOUND.exception("there is no policy set " + policySet);
    }
    return history.stream().map(VersionView::summary).toList();
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
   * Approval requests with a status, oldest first.
   *
   * @param status pending, approved or rejected
   * @throws IllegalArgumentException for any other status
   */
  public List<ApprovalView> approvals(String status) {
    PolicyApproval.Status wanted =
        PolicyApproval.Status.fromWire(status)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "an approval status is pending, approved or rejected, not " + status));
    return PolicyApproval.withStatus(wanted).stream().map(ApprovalView::from).toList();
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
}
