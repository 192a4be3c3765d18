package io.hsip.policygateway.policy.impact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hsip.policygateway.audit.AuditKind;
import io.hsip.policygateway.audit.EntryPages;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.model.DecisionChange;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RecordedFacts;
import io.hsip.policygateway.policy.model.Rule;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Replays the decisions the audit log recorded over a window against a policy version (a draft),
 * and counts where it would have answered differently: allow to deny, deny to allow, shorter or
 * longer TTL, grouped by the rules that matched when the decision was made and the rules that match
 * in the draft, with the first few entries of each group as samples.
 *
 * <p>Bounded for millions of decisions: entries are read in keyset pages (the next page is fetched
 * while this one is evaluated), nothing per entry is kept, groups are capped (past the cap new
 * groups are counted under rules {@code *}), and a run that exceeds its time budget stops and says
 * where, so that the caller can narrow the window.
 *
 * <p>Only what the policy decided is replayed: a recorded allow, a deny by the policy's rules, and
 * a deny for want of a policy. Denies decided before the policy (bad signature, stale, replayed,
 * directory unavailable) or after it (rate limited) are counted as not decided by the policy. An
 * entry written before decisions recorded their facts is counted as such. PeerIDs are known to the
 * log only as pseudonyms: those the draft names are mapped back by the caller; any other stands in
 * as an unknown peer, which no rule names. When a rule's CEL condition reads a PeerID ({@code
 * requester.peer_id}, {@code target.member}), decisions about unknown peers are not replayed.
 */
public final class ImpactReplay {

  /**
   * How a run is bounded.
   *
   * @param pageSize entries per page
   * @param maxDuration time budget of a run
   * @param maxGroups most distinct (change, recorded rules, draft rules) groups kept
   * @param reportedGroups most groups in the report (the largest first)
   * @param samplesPerGroup sample entries kept per group
   */
  public record Settings(
      int pageSize, Duration maxDuration, int maxGroups, int reportedGroups, int samplesPerGroup) {

    /** The defaults. */
    public static final Settings DEFAULTS =
        new Settings(5_000, Duration.ofMinutes(2), 10_000, 100, 3);

    /** Refuses bounds that bound nothing. */
    public Settings {
      if (pageSize < 1
          || pageSize > EntryPages.MAX_LIMIT
          || maxDuration.isNegative()
          || maxDuration.isZero()
          || maxGroups < 1
          || reportedGroups < 1
          || samplesPerGroup < 0) {
        throw new IllegalArgumentException("impact analysis bounds must be positive");
      }
    }
  }

  /** Why a recorded decision was not replayed. */
  public enum Skipped {
    /** Decided before the policy ran or changed after it (not the policy's answer). */
    NOT_DECIDED_BY_POLICY("not_decided_by_policy"),
    /** Recorded without the facts needed to replay it (older entries, or too many groups). */
    NO_RECORDED_FACTS("no_recorded_facts"),
    /** A condition of the draft reads a PeerID the log holds only as an unknown pseudonym. */
    UNKNOWN_PEER_IN_CONDITION("unknown_peer_in_condition");

    private final String wire;

    Skipped(String wire) {
      this.wire = wire;
    }

    /** The reported spelling. */
    public String wire() {
      return wire;
    }
  }

  /** Stands in for a PeerID known only by a pseudonym no rule of the draft has. */
  static final String UNKNOWN_PEER = "unknown-peer";

  /** What a CEL condition reads when it reads a PeerID. */
  private static final Pattern READS_PEER_ID =
      Pattern.compile("peer_id|target\\s*\\.\\s*member\\b");

  private static final JsonFactory JSON = new JsonFactory();
  private static final String ANY_RULES = "*";

  private final EntryPages pages;
  private final Settings settings;
  private final LongSupplier nanoTime;

  /** Replays from {@code pages} within {@code settings}, timed by {@code nanoTime}. */
  public ImpactReplay(EntryPages pages, Settings settings, LongSupplier nanoTime) {
    this.pages = pages;
    this.settings = settings;
    this.nanoTime = nanoTime;
  }

  /** The PeerIDs {@code policy} names: the pseudonyms the caller has to map back. */
  public static List<String> namedPeerIds(CompiledPolicy policy) {
    List<String> peers = new ArrayList<>();
    for (Rule rule : policy.document().rules()) {
      peers.addAll(rule.requester().peerIds());
      peers.addAll(rule.target().members());
    }
    return peers.stream().distinct().sorted().toList();
  }

  /**
   * Replays the decisions recorded in [{@code from}, {@code to}) against {@code draft}.
   *
   * @param peersByPseudonym the PeerIDs {@link #namedPeerIds} lists, by their pseudonyms
   * @throws SQLException if the log cannot be read
   */
  public ImpactReport run(
      CompiledPolicy draft, Map<String, String> peersByPseudonym, Instant from, Instant to)
      throws SQLException {
    long start = nanoTime.getAsLong();
    long deadline = start + settings.maxDuration().toNanos();
    Run run = new Run(draft, peersByPseudonym);
    ExecutorService fetcher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "policy-impact-fetch");
              thread.setDaemon(true);
              return thread;
            });
    Instant stoppedAt = null;
    try {
      List<EntryPages.Row> page = fetch(fetcher, from, to, null).join();
      while (!page.isEmpty()) {
        EntryPages.Row last = page.getLast();
        CompletableFuture<List<EntryPages.Row>> next =
            page.size() < settings.pageSize()
                ? CompletableFuture.completedFuture(List.of())
                : fetch(fetcher, from, to, EntryPages.after(last));
        for (EntryPages.Row row : page) {
          run.replay(row);
        }
        if (nanoTime.getAsLong() - deadline > 0) {
          next.cancel(false);
          stoppedAt = last.time();
          break;
        }
        page = next.join();
      }
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    } finally {
      fetcher.shutdownNow();
    }
    return run.report(from, to, stoppedAt, (nanoTime.getAsLong() - start) / 1_000_000);
  }

  private CompletableFuture<List<EntryPages.Row>> fetch(
      ExecutorService fetcher, Instant from, Instant to, EntryPages.@Nullable Cursor after) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return pages.page(AuditKind.DECISION, from, to, after, settings.pageSize());
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        fetcher);
  }

  /** What one recorded entry says, parsed from its canonical JSON. */
  private record Recorded(
      @Nullable String subject, @Nullable String explanation, Map<String, String> details) {}

  private record Key(DecisionChange change, String recordedRules, String draftRules) {}

  private static final class Tally {
    long decisions;
    Instant first = Instant.MAX;
    Instant last = Instant.MIN;
    final List<ImpactReport.Sample> samples = new ArrayList<>();
  }

  /** The counts of one run. */
  private final class Run {
    final CompiledPolicy draft;
    final Map<String, String> peersByPseudonym;
    final boolean conditionsReadPeerIds;
    long decisions;
    long unchanged;
    final Map<DecisionChange, Long> changed = new EnumMap<>(DecisionChange.class);
    final Map<Skipped, Long> skipped = new EnumMap<>(Skipped.class);
    final Map<Key, Tally> groups = new HashMap<>();

    Run(CompiledPolicy draft, Map<String, String> peersByPseudonym) {
      this.draft = draft;
      this.peersByPseudonym = peersByPseudonym;
      this.conditionsReadPeerIds =
          draft.document().rules().stream()
              .anyMatch(r -> r.condition() != null && READS_PEER_ID.matcher(r.condition()).find());
    }

    void replay(EntryPages.Row row) {
      decisions++;
      Recorded recorded = parse(row.body());
      if (recorded == null) {
        skip(Skipped.NO_RECORDED_FACTS);
        return;
      }
      String reason = recorded.details().get(RecordedFacts.REASON);
      boolean allowed = RecordedFacts.ALLOWED.equals(reason);
      if (!allowed && (reason == null || !RecordedFacts.POLICY_DENIES.contains(reason))) {
        skip(Skipped.NOT_DECIDED_BY_POLICY);
        return;
      }
      String requester = peer(recorded.subject());
      String member = recorded.details().get(RecordedFacts.TARGET_MEMBER);
      String target = member == null ? null : peer(member);
      if (conditionsReadPeerIds
          && (UNKNOWN_PEER.equals(requester) || UNKNOWN_PEER.equals(target))) {
        skip(Skipped.UNKNOWN_PEER_IN_CONDITION);
        return;
      }
      Optional<PolicyRequest> request = RecordedFacts.read(recorded.details(), requester, target);
      long recordedTtl = allowed ? ttl(recorded.details()) : 0;
      if (request.isEmpty() || recordedTtl < 0) {
        skip(Skipped.NO_RECORDED_FACTS);
        return;
      }
      PolicyDecision now = draft.evaluate(request.get());
      boolean allows = now.effect() == Effect.ALLOW && now.grantedTtlMs() > 0;
      long ttl = allows ? now.grantedTtlMs() : 0;
      DecisionChange change = DecisionChange.between(allowed, recordedTtl, allows, ttl);
      if (change == null) {
        unchanged++;
        return;
      }
      changed.merge(change, 1L, Long::sum);
      Key key =
          new Key(
              change,
              recorded.explanation() == null ? "" : recorded.explanation(),
              String.join(",", now.matchedRuleIds()));
      if (groups.size() >= settings.maxGroups() && !groups.containsKey(key)) {
        key = new Key(change, ANY_RULES, ANY_RULES);
      }
      Tally tally = groups.computeIfAbsent(key, k -> new Tally());
      tally.decisions++;
      if (row.time().isBefore(tally.first)) {
        tally.first = row.time();
      }
      if (row.time().isAfter(tally.last)) {
        tally.last = row.time();
      }
      if (tally.samples.size() < settings.samplesPerGroup()) {
        tally.samples.add(
            new ImpactReport.Sample(
                row.seq(),
                row.time(),
                recorded.subject(),
                request.get().purpose(),
                new ImpactReport.Answer(allowed ? "allow" : "deny", recordedTtl),
                new ImpactReport.Answer(allows ? "allow" : "deny", ttl)));
      }
    }

    private String peer(@Nullable String pseudonym) {
      String peer = pseudonym == null ? null : peersByPseudonym.get(pseudonym);
      return peer == null ? UNKNOWN_PEER : peer;
    }

    private void skip(Skipped why) {
      skipped.merge(why, 1L, Long::sum);
    }

    ImpactReport report(Instant from, Instant to, @Nullable Instant stoppedAt, long durationMs) {
      Map<String, Long> changes = new java.util.LinkedHashMap<>();
      for (DecisionChange c : DecisionChange.values()) {
        changes.put(c.wire(), changed.getOrDefault(c, 0L));
      }
      Map<String, Long> notReplayed = new java.util.LinkedHashMap<>();
      for (Skipped s : Skipped.values()) {
        notReplayed.put(s.wire(), skipped.getOrDefault(s, 0L));
      }
      List<Map.Entry<Key, Tally>> sorted =
          groups.entrySet().stream()
              .sorted(
                  Comparator.comparingLong((Map.Entry<Key, Tally> e) -> e.getValue().decisions)
                      .reversed()
                      .thenComparing(e -> e.getKey().change())
                      .thenComparing(e -> e.getKey().recordedRules())
                      .thenComparing(e -> e.getKey().draftRules()))
              .toList();
      List<ImpactReport.Group> reported =
          sorted.stream()
              .limit(settings.reportedGroups())
              .map(
                  e ->
                      new ImpactReport.Group(
                          e.getKey().change().wire(),
                          rules(e.getKey().recordedRules()),
                          rules(e.getKey().draftRules()),
                          e.getValue().decisions,
                          e.getValue().first,
                          e.getValue().last,
                          List.copyOf(e.getValue().samples)))
              .toList();
      long total = changed.values().stream().mapToLong(Long::longValue).sum();
      return new ImpactReport(
          draft.document().policySet(),
          draft.digest(),
          from,
          to,
          stoppedAt == null,
          stoppedAt,
          decisions,
          unchanged + total,
          unchanged,
          total,
          changes,
          notReplayed,
          reported,
          Math.max(0, sorted.size() - reported.size()),
          durationMs);
    }
  }

  private static List<String> rules(String joined) {
    return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(",", -1));
  }

  /** The recorded granted TTL, or -1 when it is missing or not a number. */
  private static long ttl(Map<String, String> details) {
    String text = details.get(RecordedFacts.GRANTED_TTL_MS);
    try {
      return text == null ? -1 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Reads the members a replay needs, skipping the rest without building a tree; null for a body
   * that is not a JSON object.
   */
  private static @Nullable Recorded parse(byte[] body) {
    String subject = null;
    String explanation = null;
    Map<String, String> details = new HashMap<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "subject" -> subject = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "explanation" ->
              explanation = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "details" -> {
            if (value != JsonToken.START_OBJECT) {
              parser.skipChildren();
              break;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String detail = parser.currentName();
              if (parser.nextToken() == JsonToken.VALUE_STRING) {
                details.put(detail, parser.getText());
              } else {
                parser.skipChildren();
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
    } catch (IOException e) {
      // The log stores canonical JSON; a body that does not parse holds no facts to replay.
      return null;
    }
    return new Recorded(subject, explanation, details);
  }
}
