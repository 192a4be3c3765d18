package io.hsip.policygateway.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Configuration of consent policies: which set is enforced, four-eyes publishing, reload and
 * limits.
 */
@ConfigMapping(prefix = "policy")
public interface PolicyConfig {

  /** The policy set this gateway enforces (its latest published version is live). */
  @WithDefault("acme")
  String liveSet();

  /**
   * Publishing and rollback need a second admin's approval: a person who is neither the requester
   * nor an editor, told apart by token subject. On unless a profile turns it off (dev and test do).
   */
  @WithDefault("true")
  boolean fourEyes();

  /**
   * A policy file published as version 1 of the live set at start-up when the set has no version
   * yet (development: the example organisation). Unset in production.
   */
  Optional<Path> bootstrapFile();

  /** Hot reload. */
  Reload reload();

  /**
   * How often policy admin events not yet in the audit log are relayed into it. Events are durable
   * in {@code policy_admin_event} from the moment of the change; this bounds how late they reach
   * the log. (The relay's scheduler reads it as {@code ${policy.audit-relay-interval}}.)
   */
  @WithDefault("1s")
  Duration auditRelayInterval();

  /** Limits on uploaded documents. */
  Limits limits();

  /** How replicas learn of new versions. */
  interface Reload {
    /** Listen for publications and load them; off only for tests that drive loading themselves. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Rules of the generated organisation the enforcement compiler is warmed up with after
     * start-up, in the background, so that the first large version published is not compiled by
     * cold code; 0 turns the warm-up off.
     */
    @WithDefault("4000")
    int warmUpRules();

    /** Fallback: check the latest version this often, in case a notification was missed. */
    @WithDefault("30s")
    Duration pollInterval();

    /** Wait before reconnecting after the listening connection failed. */
    @WithDefault("1s")
    Duration reconnectDelay();

    /**
     * Make a round trip on the listening connection at least this often, to find one that died
     * silently.
     */
    @WithDefault("10s")
    Duration heartbeat();

    /**
     * Longest wait for the database on the listening connection before it counts as dead and is
     * replaced. It is set as that connection's network timeout, and so overrides a {@code
     * socketTimeout} from {@code quarkus.datasource.jdbc.additional-jdbc-properties} for it (the
     * pool's connections keep theirs).
     */
    @WithDefault("15s")
    Duration networkTimeout();
  }

  /**
   * Resource limits of one document (see {@link
   * io.hsip.policygateway.policy.compile.PolicyLimits}).
   */
  interface Limits {
    /** Largest document, in bytes. Unset: 8 MiB. */
    OptionalInt maxDocumentBytes();

    /** Deepest YAML nesting. Unset: 32. */
    OptionalInt maxDepth();

    /** Most YAML values, counting what aliases repeat. Unset: 1,000,000. */
    OptionalInt maxNodes();

    /** Most YAML alias uses. Unset: 100. */
    OptionalInt maxAliases();

    /** Most rules. Unset: 20,000. */
    OptionalInt maxRules();

    /** Longest CEL condition, in characters. Unset: 1,024. */
    OptionalInt maxConditionLength();

    /** Most CEL syntax-tree nodes. Unset: 200. */
    OptionalInt maxConditionNodes();

    /** Most CEL comprehension iterations per evaluation. Unset: 1,000. */
    OptionalInt maxConditionIterations();

    /**
     * Most CPU time one compilation of an uploaded document may spend per started MiB of it
     * (validate, drafts, import, publish, draft simulation); past it the request is refused with
     * {@code 422 policy-too-costly}. The example organisation compiles in a few tens of
     * milliseconds and a generated 20,000-rule organisation (3 MiB) in about 3 s of its 8 s; a
     * small document that needs seconds is an attack or a mistake. Published versions loaded for
     * enforcement are exempt. Unset: 2 s.
     */
    Optional<Duration> maxCompileTime();
  }

  /** Compilation as a shared resource: the cache of compiled documents and the concurrency cap. */
  Compile compile();

  /** How compilations are shared and rationed between requests. */
  interface Compile {
    /**
     * Most compilations running at once on this replica; requests beyond wait for a slot. Unset:
     * half the available processors, at least one, so that documents compiled in parallel never
     * take every core from consent decisions.
     */
    OptionalInt maxConcurrent();

    /**
     * Longest wait for a compilation slot before the request is refused with {@code 503
     * policy-compiler-busy}.
     */
    @WithDefault("2s")
    Duration queueTimeout();

    /** Most compiled documents kept (by content digest), so repeated checks compile once. */
    @WithDefault("64")
    int cacheEntries();

    /**
     * Most memory, in bytes, the kept documents may take, estimated from their size (a compiled
     * document takes roughly ten times its text). Default 64 MiB.
     */
    @WithDefault("67108864")
    long cacheBytes();
  }

  /** Impact analysis: replaying recorded decisions against a draft. */
  Impact impact();

  /** How impact analyses are bounded. */
  interface Impact {
    /** Window replayed when the request names none: this long before now. */
    @WithDefault("7d")
    Duration defaultWindow();

    /**
     * Time budget of one analysis; past it the analysis stops and reports how far it got ({@code
     * complete: false}).
     */
    @WithDefault("2m")
    Duration maxDuration();

    /** Recorded decisions read per page. */
    @WithDefault("5000")
    int pageSize();
  }
}
