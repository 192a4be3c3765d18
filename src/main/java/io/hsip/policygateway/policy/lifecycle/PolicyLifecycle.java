package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.telemetry.PolicyMetrics;
import io.hsip.policygateway.telemetry.PolicySpans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The policy lifecycle: drafts, publication (directly or through a second admin), rollback, and the
 * read-only questions asked of versions (diff, simulation). Each change runs in one transaction
 * with its admin event, under a transaction-scoped advisory lock that serialises admin writes (so
 * version numbers never race and event ids follow commit order).
 */
@ApplicationScoped
public class PolicyLifecycle {

  /** Advisory lock key of policy admin writes ("HSIP" + 1). */
  private static final long ADMIN_LOCK = 0x4853_4950_0000_0001L;

  private final PolicyConfig config;
  private final Clock clock;
  private final PolicyCompiler compiler;
  private final LivePolicy live;
  private final CompiledDocuments documents;
  private final Counter overBudget;
  private final Counter busy;

  PolicyLifecycle(
      PolicyConfig config,
      Clock clock,
      PolicyCompiler compiler,
      LivePolicy live,
      MeterRegistry meters) {
    this.config = config;
    this.clock = clock;
    this.compiler = compiler;
    this.live = live;
    this.documents = new CompiledDocuments(compiler, config.compile());
    FunctionCounter.builder(PolicyMetrics.COMPILATIONS, compiler, PolicyCompiler::compilations)
        .description("Policy documents compiled (cache misses, enforcement loads included)")
        .register(meters);
    this.overBudget =
        Counter.builder(PolicyMetrics.COMPILE_REFUSED)
            .tag("reason", "budget")
            .description("Policy compilations refused for their CPU time or for want of a slot")
            .register(meters);
    this.busy =
        Counter.builder(PolicyMetrics.COMPILE_REFUSED)
            .tag("reason", "busy")
            .description("Policy compilations refused for their CPU time or for want of a slot")
            .register(meters);
  }

  /**
   * A saved draft with the warnings its document raised.
   *
   * @param draft the draft
   * @param warnings lint warnings (errors would have refused it)
   */
  public record SavedDraft(PolicyDraft draft, List<Finding> warnings) {}

  /** What publishing did: a new version, or (four-eyes) a request waiting for a second admin. */
  public sealed interface Publication {

    /**
     * Published directly.
     *
     * @param version the new version, now in force
     */
    record Published(PolicyVersion version) implements Publication {}

    /**
     * Four-eyes mode: nothing is published until another admin approves.
     *
     * @param approval the pending approval request
     */
    record AwaitingApproval(PolicyApproval approval) implements Publication {}
  }

  // --- Reading and checking documents -----------------------------------------------------------

  /** The document limits in force. */
  public io.hsip.policygateway.policy.compile.PolicyLimits limits() {
    return compiler.limits();
  }

  /**
   * Compiles an uploaded document without saving anything (or finds it compiled: documents are kept
   * by content digest).
   *
   * @throws io.hsip.policygateway.base.error.ProblemException {@link PolicyProblems#TOO_COSTLY}
   *     when it runs out of CPU time, {@link PolicyProblems#COMPILER_BUSY} when no compilation slot
   *     frees up in time
   */
  @WithSpan(PolicySpans.VALIDATE)
  public Compilation validate(byte[] document) {
    return refuseCostly(compile(document));
  }

  private Compilation compile(byte[] document) {
    return counted(() -> documents.upload(document));
  }

  /** Runs a compilation step, counting a refusal for want of a compilation slot. */
  private Compilation counted(Supplier<Compilation> step) {
    try {
      return step.get();
    } catch (ProblemException e) {
      busy.increment();
      throw e;
    }
  }

  private Compilation refuseCostly(Compilation compilation) {
    if (compilation.overBudget()) {
      overBudget.increment();
      throw PolicyProblems.TOO_COSTLY.exception(compilation.errors().getFirst().message());
    }
    return compilation;
  }

  Compilation compileOrReject(byte[] document) {
    Compilation compilation = refuseCostly(compile(document));
    if (compilation.ok()) {
      return compilation;
    }
    List<Finding> errors = compilation.errors();
    if (errors.size() == 1
        && errors.getFirst().code().equals("limit")
        && errors.getFirst().pointer().isEmpty()
        && document.length > compiler.limits().maxBytes()) {
      throw PolicyProblems.TOO_LARGE.exception(errors.getFirst().message());
    }
    throw new InvalidPolicyException(errors);
  }

  // --- Drafts
  // -------------------------------------------------------------------------------------

  /** Saves a new draft; a document with errors is refused with all of them. */
  @Transactional
  @WithSpan(PolicySpans.CREATE_DRAFT)
  public SavedDraft createDraft(Actor actor, byte[] document) {
    return createDraft(actor, document, PolicyAdminEvent.Action.DRAFT_CREATE);
  }

  private SavedDraft createDraft(Actor actor, byte[] document, PolicyAdminEvent.Action action) {
    Compilation compilation = compileOrReject(document);
    CompiledPolicy policy = compilation.orThrow();
    lockAdminWrites();
    Instant now = now();
    PolicyDraft draft = new PolicyDraft();
    draft.id = UUID.randomUUID();
    draft.policySet = policy.document().policySet();
    draft.source = new String(document, StandardCharsets.UTF_8);
    draft.digest = policy.digest();
    draft.revision = 1;
    draft.createdBy = actor.name();
    draft.createdAt = now;
    draft.updatedBy = actor.name();
    draft.updatedAt = now;
    draft.editors = new String[] {actor.name()};
    draft.editorSubjects = new String[] {actor.subject()};
    draft.persist();
    PolicyAdminEvent.record(
        now,
        actor.name(),
        action,
        draft.policySet,
        null,
        draft.digest,
        Map.of(
            "draft_id",
            draft.id.toString(),
            "revision",
            1,
            "rule_count",
            policy.document().rules().size()));
    return new SavedDraft(draft, compilation.warnings());
  }

  /**
   * Replaces a draft's document.
   *
   * @param expectedRevision the revision the client edited ({@code If-Match}), or null to not check
   */
  @Transactional
  @WithSpan(PolicySpans.UPDATE_DRAFT)
  public SavedDraft updateDraft(
      Actor actor, UUID id, @Nullable Integer expectedRevision, byte[] document) {
    Compilation compilation = compileOrReject(document);
    CompiledPolicy policy = compilation.orThrow();
    lockAdminWrites();
    PolicyDraft draft = draft(id);
    if (expectedRevision != null && expectedRevision != draft.revision) {
      throw PolicyProblems.STALE_DRAFT.exception(
          "draft "
              + id
              + " is at revision "
              + draft.revision
              + ", not "
              + expectedRevision
              + "; reload it and apply your change again");
    }
    if (!draft.policySet.equals(policy.document().policySet())) {
      throw PolicyProblems.CONFLICT.exception(
          "draft "
              + id
              + " belongs to policy set "
              + draft.policySet
              + "; the document names "
              + policy.document().policySet()
              + " (create a new draft instead)");
    }
    draft.source = new String(document, StandardCharsets.UTF_8);
    draft.digest = policy.digest();
    draft.revision++;
    draft.updatedBy = actor.name();
    draft.updatedAt = now();
    draft.editedBy(actor);
    PolicyAdminEvent.record(
        draft.updatedAt,
        actor.name(),
        PolicyAdminEvent.Action.DRAFT_UPDATE,
        draft.policySet,
        null,
        draft.digest,
        Map.of("draft_id", id.toString(), "revision", draft.revision));
    return new SavedDraft(draft, compilation.warnings());
  }

  /**
   * Deletes a draft.
   *
   * @param expectedRevision the revision the admin reviewed ({@code If-Match}), or null to not
   *     check
   */
  @Transactional
  @WithSpan(PolicySpans.DELETE_DRAFT)
  public void deleteDraft(Actor actor, UUID id, @Nullable Integer expectedRevision) {
    lockAdminWrites();
    PolicyDraft draft = draft(id);
    if (expectedRevision != null && expectedRevision != draft.revision) {
      throw PolicyProblems.STALE_DRAFT.exception(
          "draft "
              + id
              + " is at revision "
              + draft.revision
              + ", not "
              + expectedRevision
              + "; review it again before deleting it");
    }
    draft.delete();
    PolicyAdminEvent.record(
        now(),
        actor.name(),
        PolicyAdminEvent.Action.DRAFT_DELETE,
        draft.policySet,
        null,
        draft.digest,
        Map.of("draft_id", id.toString(), "revision", draft.revision));
  }

  /** A draft. @throws ProblemException ({@link PolicyProblems#NOT_FOUND}) if there is none */
  public PolicyDraft draft(UUID id) {
    PolicyDraft draft = PolicyDraft.findById(id);
    if (draft == null) {
      throw PolicyProblems.NOT_FOUND.exception("there is no draft " + id);
    }
    return draft;
  }

  // --- Publishing
  // -----------------------------------------------------------------------------------

  /**
   * Publishes a draft as the next version, or, in four-eyes mode, submits it for approval. Either
   * way the draft is consumed (an approval keeps its own snapshot).
   *
   * @param expectedRevision the revision the admin reviewed ({@code If-Match}), or null to not
   *     check
   */
  @Transactional
  @WithSpan(PolicySpans.PUBLISH)
  public Publication publishDraft(Actor actor, UUID id, @Nullable Integer expectedRevision) {
    lockAdminWrites();
    PolicyDraft draft = draft(id);
    if (expectedRevision != null && expectedRevision != draft.revision) {
      throw PolicyProblems.STALE_DRAFT.exception(
          "draft "
              + id
              + " is at revision "
              + draft.revision
              + ", not "
              + expectedRevision
              + "; review it again before publishing");
    }
    CompiledPolicy policy =
        compileOrReject(draft.source.getBytes(StandardCharsets.UTF_8)).orThrow();
    Publication publication =
        publish(
            actor,
            draft.policySet,
            draft.source,
            policy,
            null,
            draft,
            Map.of("draft_id", id.toString()));
    draft.delete();
    return publication;
  }

  /** What an import did: nothing, saved a draft, or published it (perhaps awaiting approval). */
  public sealed interface Imported {

    /**
     * Asked to publish a document identical to the version in force: nothing was done.
     *
     * @param inForce the version in force, which already has this content
     */
    record Unchanged(PolicyVersion inForce) implements Imported {}

    /**
     * Saved as a draft (not asked to publish).
     *
     * @param saved the new draft
     */
    record SavedAsDraft(SavedDraft saved) implements Imported {}

    /**
     * Published, or submitted for approval; the draft was consumed.
     *
     * @param publication what publishing did
     */
    record Publishing(Publication publication) implements Imported {}
  }

  /**
   * GitOps import: saves the document as a draft and, if asked, publishes it. Importing a document
   * identical to the version in force with {@code publish} changes nothing, so a pipeline may
   * re-apply.
   */
  @Transactional
  @WithSpan(PolicySpans.IMPORT)
  public Imported importDocument(Actor actor, byte[] document, boolean publish) {
    CompiledPolicy policy = compileOrReject(document).orThrow();
    lockAdminWrites();
    PolicyVersion latest = PolicyVersion.latest(policy.document().policySet()).orElse(null);
    if (publish && latest != null && latest.digest.equals(policy.digest())) {
      return new Imported.Unchanged(latest);
    }
    SavedDraft saved = createDraft(actor, document, PolicyAdminEvent.Action.IMPORT);
    if (!publish) {
      return new Imported.SavedAsDraft(saved);
    }
    PolicyDraft draft = saved.draft();
    Publication publication =
        publish(
            actor,
            draft.policySet,
            draft.source,
            policy,
            null,
            draft,
            Map.of("draft_id", draft.id.toString(), "imported", true));
    draft.delete();
    return new Imported.Publishing(publication);
  }

  /** Publishes an earlier version again as the next version (or submits that for approval). */
  @Transactional
  @WithSpan(PolicySpans.ROLLBACK)
  public Publication rollback(Actor actor, String policySet, int toVersion) {
    lockAdminWrites();
    PolicyVersion target = version(policySet, toVersion);
    CompiledPolicy policy = compiled(target);
    return publish(
        actor, policySet, target.source, policy, toVersion, null, Map.of("rollback_to", toVersion));
  }

  /**
   * Approves a pending publication. The approver must be a person (not a service account) and
   * neither its requester nor an editor of its draft, compared by subject (see {@link Actor}); a
   * request recorded before subjects were stored is compared by name, as it was then.
   */
  @Transactional
  @WithSpan(PolicySpans.APPROVE)
  public PolicyVersion approve(Actor actor, UUID approvalId) {
    lockAdminWrites();
    PolicyApproval approval = pendingApproval(approvalId);
    if (actor.serviceAccount()) {
      throw PolicyProblems.FOUR_EYES.exception(
          "four-eyes mode: "
              + actor.name()
              + " is a service account and cannot approve a publication; a person with the admin"
              + " role must");
    }
    if (approval.requestedBy(actor)) {
      throw PolicyProblems.FOUR_EYES.exception(
          "four-eyes mode: "
              + actor.name()
              + " requested this publication and cannot approve it; another admin must");
    }
    if (approval.writtenBy(actor)) {
      throw PolicyProblems.FOUR_EYES.exception(
          "four-eyes mode: "
              + actor.name()
              + " edited the draft of this publication and cannot approve it; an admin who"
              + " did not write it must");
    }
    Integer latest =
        PolicyVersion.latest(approval.policySet).map(PolicyVersion::version).orElse(null);
    if (!java.util.Objects.equals(latest, approval.baseVersion)) {
      String base = approval.baseVersion == null ? "no version" : "version " + approval.baseVersion;
      throw PolicyProblems.CONFLICT.exception(
          "version "
              + latest
              + " of "
              + approval.policySet
              + " was published after this request, which was based on "
              + base
              + "; reject it and submit again");
    }
    CompiledPolicy policy =
        compileOrReject(approval.source.getBytes(StandardCharsets.UTF_8)).orThrow();
    PolicyVersion version =
        insertVersion(
            approval.policySet,
            approval.source,
            policy,
            approval.requestedBy,
            approval.requestedBySubject,
            actor,
            approval.rollbackOf);
    approval.status = PolicyApproval.Status.APPROVED;
    approval.decidedBy = actor.name();
    approval.decidedBySubject = actor.subject();
    approval.decidedAt = version.publishedAt;
    approval.version = version.version();
    PolicyAdminEvent.record(
        version.publishedAt,
        actor.name(),
        PolicyAdminEvent.Action.APPROVE,
        version.policySet(),
        version.version(),
        version.digest,
        Map.of(
            "approval_id",
            approvalId.toString(),
            "kind",
            approval.kind.wire(),
            "requested_by",
            approval.requestedBy));
    return version;
  }

  /**
   * Rejects a pending publication (anyone with the admin role, the requester included:
   * withdrawing).
   */
  @Transactional
  @WithSpan(PolicySpans.REJECT)
  public PolicyApproval reject(Actor actor, UUID approvalId, String reason) {
    lockAdminWrites();
    PolicyApproval approval = pendingApproval(approvalId);
    approval.status = PolicyApproval.Status.REJECTED;
    approval.decidedBy = actor.name();
    approval.decidedBySubject = actor.subject();
    approval.decidedAt = now();
    approval.reason = reason;
    PolicyAdminEvent.record(
        approval.decidedAt,
        actor.name(),
        PolicyAdminEvent.Action.REJECT,
        approval.policySet,
        null,
        approval.digest,
        Map.of("approval_id", approvalId.toString(), "reason", reason));
    return approval;
  }

  /**
   * An approval request. @throws ProblemException ({@link PolicyProblems#NOT_FOUND}) if there is
   * none
   */
  public PolicyApproval approval(UUID id) {
    PolicyApproval approval = PolicyApproval.findById(id);
    if (approval == null) {
      throw PolicyProblems.NOT_FOUND.exception("there is no approval request " + id);
    }
    return approval;
  }

  private PolicyApproval pendingApproval(UUID id) {
    PolicyApproval approval = approval(id);
    if (approval.status != PolicyApproval.Status.PENDING) {
      throw PolicyProblems.CONFLICT.exception(
          "approval request "
              + id
              + " is already "
              + approval.status.wire()
              + " by "
              + approval.decidedBy);
    }
    return approval;
  }

  private Publication publish(
      Actor actor,
      String policySet,
      String source,
      CompiledPolicy policy,
      @Nullable Integer rollbackOf,
      @Nullable PolicyDraft draft,
      Map<String, Object> details) {
    PolicyVersion latest = PolicyVersion.latest(policySet).orElse(null);
    if (latest != null && latest.digest.equals(policy.digest())) {
      throw PolicyProblems.CONFLICT.exception(
          "the document is identical to version "
              + latest.version()
              + " of "
              + policySet
              + ", which is in force; there is nothing to publish");
    }
    Map<String, Object> facts = new LinkedHashMap<>(details);
    facts.put("rule_count", policy.document().rules().size());
    if (config.fourEyes()) {
      // Refuse now what could never be stored, rather than leave the approver a request that must
      // fail.
      verifyRoundTrip(policy);
      PolicyApproval approval = new PolicyApproval();
      approval.id = UUID.randomUUID();
      approval.policySet = policySet;
      approval.kind =
          rollbackOf == null ? PolicyApproval.Kind.PUBLISH : PolicyApproval.Kind.ROLLBACK;
      approval.status = PolicyApproval.Status.PENDING;
      approval.source = source;
      approval.digest = policy.digest();
      approval.rollbackOf = rollbackOf;
      approval.baseVersion = latest == null ? null : latest.version();
      approval.requestedBy = actor.name();
      approval.requestedBySubject = actor.subject();
      approval.authors = withOne(draft == null ? null : draft.editors, actor.name());
      // A draft saved before subjects were recorded has none: its approval falls back to names.
      approval.authorSubjects =
          draft != null && draft.editorSubjects == null
              ? null
              : withOne(draft == null ? null : draft.editorSubjects, actor.subject());
      approval.requestedAt = now();
      approval.persist();
      facts.put("approval_id", approval.id.toString());
      PolicyAdminEvent.record(
          approval.requestedAt,
          actor.name(),
          rollbackOf == null
              ? PolicyAdminEvent.Action.PUBLISH_REQUEST
              : PolicyAdminEvent.Action.ROLLBACK_REQUEST,
          policySet,
          null,
          approval.digest,
          facts);
      return new Publication.AwaitingApproval(approval);
    }
    PolicyVersion version =
        insertVersion(policySet, source, policy, actor.name(), actor.subject(), null, rollbackOf);
    PolicyAdminEvent.record(
        version.publishedAt,
        actor.name(),
        rollbackOf == null ? PolicyAdminEvent.Action.PUBLISH : PolicyAdminEvent.Action.ROLLBACK,
        policySet,
        version.version(),
        version.digest,
        facts);
    return new Publication.Published(version);
  }

  private PolicyVersion insertVersion(
      String policySet,
      String source,
      CompiledPolicy policy,
      String publisher,
      @Nullable String publisherSubject,
      @Nullable Actor approver,
      @Nullable Integer rollbackOf) {
    verifyRoundTrip(policy);
    int next = PolicyVersion.latest(policySet).map(PolicyVersion::version).orElse(0) + 1;
    PolicyVersion version = new PolicyVersion();
    version.id = new PolicyVersion.Key(policySet, next);
    version.digest = policy.digest();
    version.source = source;
    version.canonical = policy.canonicalJson();
    version.ruleCount = policy.document().rules().size();
    version.publishedBy = publisher;
    version.publishedBySubject = publisherSubject;
    version.publishedAt = now();
    version.approvedBy = approver == null ? null : approver.name();
    version.approvedBySubject = approver == null ? null : approver.subject();
    version.rolledBackFrom = rollbackOf;
    version.persist();
    return version;
  }

  /**
   * Replicas enforce the stored canonical form, not the source the admin wrote, so a version is
   * stored only if that form compiles back to the very same policy (same tree, so same digest and
   * rules).
   */
  private void verifyRoundTrip(CompiledPolicy policy) {
    Compilation reloaded = counted(() -> documents.roundTrip(policy));
    if (reloaded.ok()
        && reloaded.orThrow().digest().equals(policy.digest())
        && reloaded.orThrow().document().equals(policy.document())) {
      return;
    }
    String problem =
        reloaded.ok()
            ? "it loads as a different policy (digest " + reloaded.orThrow().digest() + ")"
            : reloaded.errors().getFirst().message();
    throw new InvalidPolicyException(
        List.of(
            new Finding(
                Finding.Severity.ERROR,
                "canonical-form",
                "the canonical form of this document does not load back to the same policy, so it cannot be published: "
                    + problem,
                "",
                0,
                0,
                null)));
  }

  // --- Versions: reading, diff, simulation
  // --------------------------------------------------------

  /** One version. @throws ProblemException ({@link PolicyProblems#NOT_FOUND}) if there is none */
  public PolicyVersion version(String policySet, int version) {
    return PolicyVersion.find(policySet, version)
        .orElseThrow(
            () ->
                PolicyProblems.NOT_FOUND.exception(
                    PolicyVersion.latest(policySet).isPresent()
                        ? "policy set " + policySet + " has no version " + version
                        : "there is no policy set " + policySet));
  }

  /** A rule-level diff between two versions of a set. */
  public PolicyDiff diff(String policySet, int from, int to) {
    return PolicyDiff.between(
        compiled(version(policySet, from)).tree(), compiled(version(policySet, to)).tree());
  }

  /** Decides one request with a published version. */
  @WithSpan(PolicySpans.SIMULATE)
  public PolicyDecision simulate(String policySet, int version, PolicyRequest request) {
    return compiled(version(policySet, version)).evaluate(request);
  }

  /** Decides one request with a draft. */
  @WithSpan(PolicySpans.SIMULATE)
  public PolicyDecision simulateDraft(UUID id, PolicyRequest request) {
    return compiledDraft(id).evaluate(request);
  }

  /**
   * A draft compiled (from the cache when its text was compiled before).
   *
   * @throws ProblemException ({@link PolicyProblems#NOT_FOUND}) if there is no such draft
   */
  public CompiledPolicy compiledDraft(UUID id) {
    return compileOrReject(draft(id).source.getBytes(StandardCharsets.UTF_8)).orThrow();
  }

  /**
   * A published version compiled: the live policy itself when it is that version (so it is never
   * compiled again, nor displaced by the versions diffs and simulations ask for), else from the
   * cache, keyed by the digest of its canonical form. Versions are immutable, so an entry never
   * goes stale.
   */
  private CompiledPolicy compiled(PolicyVersion version) {
    CompiledPolicy enforced = live.current().orElse(null);
    if (enforced != null
        && live.policySet().equals(version.policySet())
        && enforced.version() == version.version()
        && enforced.digest().equals(version.digest)) {
      return enforced;
    }
    return counted(() -> documents.published(version.canonical))
        .orThrow()
        .asVersion(version.version());
  }

  /** {@code values} (in order, possibly none) with {@code one} added at the end unless present. */
  private static String[] withOne(String @Nullable [] values, String one) {
    java.util.LinkedHashSet<String> all =
        new java.util.LinkedHashSet<>(values == null ? List.of() : List.of(values));
    all.add(one);
    return all.toArray(String[]::new);
  }

  /** Now, at the database's precision (microseconds), so what we return is what is stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  static void lockAdminWrites() {
    Panache.getEntityManager()
        .createNativeQuery("SELECT pg_advisory_xact_lock(:key)")
        .setParameter("key", ADMIN_LOCK)
        .getSingleResult();
  }
}
