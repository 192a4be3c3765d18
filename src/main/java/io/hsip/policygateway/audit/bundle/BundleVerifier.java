package io.hsip.policygateway.audit.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.audit.bundle.BundleFormat.EntryLine;
import io.hsip.policygateway.audit.bundle.BundleFormat.FileDigest;
import io.hsip.policygateway.audit.bundle.BundleFormat.KeyFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.Manifest;
import io.hsip.policygateway.audit.bundle.BundleFormat.Previous;
import io.hsip.policygateway.audit.bundle.BundleFormat.ProofFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.Witness;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.CheckpointParseException;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.CompactRange;
import io.hsip.policygateway.hsip.transparency.ConsistencyProofVerifier;
import io.hsip.policygateway.hsip.transparency.InclusionProofVerifier;
import io.hsip.policygateway.hsip.transparency.ProofException;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an export bundle offline: no network, no database, only the bundle, the pinned gateway
 * key the auditor trusts (required) and optionally the previous bundle. It checks the manifest
 * signature and every file digest, every checkpoint signature, that every entry is canonical,
 * well-formed, in leaf order without gaps and matches the hash the tree integrated, that the
 * entries recompute every signed checkpoint of the range and are consistent with the anchor
 * checkpoint, that the range covers the whole window (boundary witnesses), every count of the
 * manifest, and consistency with the previous export. Entries are streamed, so memory stays bounded
 * by the number of checkpoints, not entries.
 */
public final class BundleVerifier {

  /**
   * What the auditor brings besides the bundle.
   *
   * @param pinnedKey the gateway key the auditor trusts (from {@code GET /api/v1/audit/public-key},
   *     kept from earlier); required, because a bundle checked only against the key it carries
   *     proves nothing: whoever rewrote the bundle chose that key too
   * @param previousBundle the previous export, to prove the log only grew since
   */
  public record Options(Ed25519PublicKey pinnedKey, @Nullable Path previousBundle) {
    /** Requires the pinned key. */
    public Options {
      java.util.Objects.requireNonNull(
          pinnedKey, "pinnedKey: verify against the gateway key you trust");
    }
  }

  private final VerificationReport report = new VerificationReport();
  private final BundleReader bundle;
  private final Options options;
  private @Nullable Ed25519PublicKey key;
  private boolean v1;
  private boolean boundariesProved;

  private BundleVerifier(BundleReader bundle, Options options) {
    this.bundle = bundle;
    this.options = options;
  }

  /** Verifies {@code bundle}; the report says what passed and every problem found. */
  public static VerificationReport verify(Path bundle, Options options) {
    try (BundleReader reader = BundleReader.open(bundle)) {
      BundleVerifier verifier = new BundleVerifier(reader, options);
      verifier.run();
      return verifier.report;
    } catch (ZipException e) {
      VerificationReport report = new VerificationReport();
      report.problem(bundle + " is not a ZIP export bundle");
      return report;
    } catch (IOException e) {
      VerificationReport report = new VerificationReport();
      report.problem("cannot read " + bundle + ": " + e.getClass().getSimpleName());
      return report;
    }
  }

  private void run() throws IOException {
    List<String> layout = bundle.layoutProblems();
    if (!layout.isEmpty()) {
      layout.forEach(report::problem);
      return;
    }
    byte[] manifestBytes = bundle.read(BundleFormat.MANIFEST);
    if (!CanonicalJson.isCanonical(manifestBytes)) {
      report.problem("manifest.json is not one JSON object in RFC 8785 canonical form");
      return;
    }
    JsonNode manifestJson = CanonicalJson.parseObject(manifestBytes);
    String format = manifestJson.path("format").asText();
    if (BundleFormat.FORMAT_V1.equals(format)) {
      v1 = true;
      manifestJson = BundleFormat.upgradeV1(manifestJson, BundleFormat.MANIFEST_V2_MEMBERS);
    } else if (!BundleFormat.FORMAT.equals(format)) {
      report.problem(
          "manifest.json format is `"
              + format
              + "`, expected "
              + BundleFormat.FORMAT
              + " (or "
              + BundleFormat.FORMAT_V1
              + ")");
      return;
    }
    Manifest m = decode(BundleFormat.MANIFEST, manifestJson, Manifest.class);
    if (m == null || !checkKey(manifestBytes, m)) {
      return;
    }
    checkDigest(BundleFormat.KEY, m);
    checkDigest(BundleFormat.PROOF, m);
    checkDigest(BundleFormat.CHECKPOINTS, m);

    ProofFile proof = json(BundleFormat.PROOF, ProofFile.class);
    if (proof == null) {
      return;
    }
    if (!v1 && (proof.boundaryConsistency() == null)) {
      report.problem(
          "proof.json has no boundary_consistency, which format "
              + BundleFormat.FORMAT
              + " requires");
      return;
    }
    Checkpoint anchor = anchor(proof, m);
    long first = proof.firstLeaf();
    long end = proof.endLeaf();
    long size = proof.treeSize();
    expectEqual("manifest first_leaf", m.firstLeaf(), first);
    expectEqual("manifest end_leaf", m.endLeaf(), end);
    expectEqual("manifest tree_size", m.treeSize(), size);
    if (first < 0 || end < first || end > size) {
      report.problem(
          "proof.json range [" + first + ", " + end + ") is not inside tree size " + size);
      return;
    }
    List<Checkpoint> checkpoints = checkpoints(first, end, m);
    Instant from = m.windowFrom() == null ? null : time(m.windowFrom(), "window_from");
    Instant to = m.windowTo() == null ? null : time(m.windowTo(), "window_to");
    if (v1 && (from == null || to == null)) {
      report.problem("manifest.json of format " + BundleFormat.FORMAT_V1 + " has no window");
      return;
    }
    Checkpoint start = v1 ? null : boundaries(proof, m, anchor, checkpoints, first, end);
    byte[] rangeRoot = entries(proof, first, end, checkpoints, from, to, m);
    if (anchor != null && rangeRoot != null) {
      try {
        ConsistencyProofVerifier.verify(
            end, size, rangeRoot, anchor.rootHash(), hashes(proof.consistencyToAnchor()));
        report.pass(
            "entries ["
                + first
                + ", "
                + end
                + ") are consistent with the anchor checkpoint (size "
                + size
                + ")");
      } catch (ProofException e) {
        report.problem(
            "the entries do not lead to the signed anchor checkpoint: " + e.getMessage());
      }
    }
    if (v1 && anchor != null && from != null && to != null) {
      witnesses(proof, anchor, first, end, from, to);
    }
    if (!v1 && rangeRoot != null && boundariesProved) {
      report.pass(
          "the entries are exactly the leaves ["
              + first
              + ", "
              + end
              + ") of the log signed by this key: "
              + (first == 0
                  ? "the range starts at the empty tree"
                  : "the frontier is the signed checkpoint of size " + first)
              + (end == first
                  ? " and the range is empty"
                  : ", and the entries recompute the signed checkpoint of size " + end));
      if (from != null && to != null) {
        window(from, to, start, end == first ? start : last(checkpoints), first, end);
      }
    }
    if (v1) {
      report.warn(
          "format "
              + BundleFormat.FORMAT_V1
              + ": the range was chosen by recording times, which the tree does not sign; this"
              + " bundle proves its entries are leaves "
              + first
              + " to "
              + end
              + " of the anchor tree, and its edges only by witness leaves. Export again by tree"
              + " sizes for a range bounded by signed checkpoints");
    }
    previous(proof, anchor, rangeRoot != null ? checkpoints : List.of());
    if (options.previousBundle() == null) {
      report.warn(
          "truncation not checked: no --previous bundle was given, so nothing you hold shows that"
              + " the log was not truncated or rolled back before this export (every checkpoint"
              + " in this bundle came from the gateway, and so did its proof from the previous"
              + " export). Verify with --previous <the last bundle you verified>");
    }
    if (!m.complete() || m.notYetIntegrated() != 0 || m.missingLeaves() != 0) {
      report.problem(
          "the bundle is incomplete by its own account: "
              + m.notYetIntegrated()
              + " entries of the window were not yet in a signed checkpoint and "
              + m.missingLeaves()
              + " leaves were missing from the gateway's database; export again later or investigate");
    }
    report.summary(
        m.entryCount()
            + " entries (leaves "
            + first
            + " to "
            + end
            + " of tree size "
            + size
            + "), "
            + checkpoints.size()
            + " checkpoints, "
            + (m.windowFrom() == null
                ? "range by tree size"
                : "window " + m.windowFrom() + " to " + m.windowTo())
            + ", signed by "
            + (key == null ? "?" : key.peerId().value()));
  }

  private boolean checkKey(byte[] manifestBytes, Manifest m) throws IOException {
    KeyFile keyFile = json(BundleFormat.KEY, KeyFile.class);
    if (keyFile == null) {
      return false;
    }
    try {
      key = Ed25519PublicKey.fromHex(keyFile.publicKeyHex());
    } catch (InvalidKeyException e) {
      report.problem("gateway-key.json: " + e.getMessage());
      return false;
    }
    if (!options.pinnedKey().equals(key)) {
      report.problem(
          "the bundle's public key (PeerID "
              + key.peerId().value()
              + ") is not the pinned gateway key"
              + " (PeerID "
              + options.pinnedKey().peerId().value()
              + "): the bundle was not made by this gateway");
      return false;
    }
    report.pass(
        "the bundle's public key is the pinned gateway key (PeerID " + key.peerId().value() + ")");
    if (!key.hex().equals(m.publicKeyHex()) || !keyFile.origin().equals(m.origin())) {
      report.problem("manifest.json names another public key or origin than gateway-key.json");
    }
    String signature =
        new String(bundle.read(BundleFormat.MANIFEST_SIGNATURE), StandardCharsets.US_ASCII).strip();
    byte[] raw = LowerHex.decode(signature, 64);
    if (raw == null) {
      report.problem("manifest.sig is not 128 lowercase hex characters");
      return false;
    }
    try {
      key.verify(manifestBytes, raw);
      report.pass(
          "manifest signature verifies under the bundle's public key (PeerID "
              + key.peerId().value()
              + ")");
    } catch (InvalidSignatureException e) {
      report.problem(
          "manifest.sig does not verify under the bundle's public key (PeerID "
              + key.peerId().value()
              + "): the manifest or the key was replaced");
      return false;
    }
    return true;
  }

  private void checkDigest(String name, Manifest m) throws IOException {
    compareDigest(name, m, bundle.digest(name));
  }

  private void compareDigest(String name, Manifest m, FileDigest actual) {
    if (!actual.equals(m.files().get(name))) {
      report.problem(
          name + " does not match the digest in the signed manifest: it was changed after export");
    } else {
      report.pass(name + " matches the signed manifest (" + actual.bytes() + " bytes)");
    }
  }

  private @Nullable Checkpoint anchor(ProofFile proof, Manifest m) {
    String note = proof.anchor();
    if (note == null) {
      if (proof.treeSize() != 0) {
        report.problem("proof.json has no anchor checkpoint");
      }
      return null;
    }
    Checkpoint anchor = checkpoint(note, "anchor checkpoint");
    if (anchor != null) {
      if (anchor.treeSize() != proof.treeSize()) {
        report.problem(
            "anchor checkpoint has tree size "
                + anchor.treeSize()
                + ", proof.json says "
                + proof.treeSize());
        return null;
      }
      if (!anchor.origin().equals(m.origin())) {
        report.problem(
            "anchor checkpoint is for origin " + anchor.origin() + ", not " + m.origin());
        return null;
      }
      report.pass(
          "anchor checkpoint signature (tree size "
              + anchor.treeSize()
              + ", root "
              + anchor.rootHex()
              + ")");
    }
    return anchor;
  }

  private @Nullable Checkpoint checkpoint(String note, String what) {
    try {
      return Checkpoints.parse(note.getBytes(StandardCharsets.UTF_8), key);
    } catch (CheckpointParseException e) {
      report.problem(what + ": " + e.getMessage() + ": it was forged or altered");
      return null;
    }
  }

  private List<Checkpoint> checkpoints(long first, long end, Manifest m) throws IOException {
    List<Checkpoint> checkpoints = new ArrayList<>();
    long lineNumber = 0;
    long previousSize = first;
    long previousTime = Long.MIN_VALUE;
    boolean ok = true;
    try (BundleReader.Lines lines = bundle.lines(BundleFormat.CHECKPOINTS)) {
      for (byte[] line; (line = lines.next()) != null; ) {
        lineNumber++;
        String note = checkpointNote(line);
        if (note == null) {
          report.problem(
              "checkpoints.jsonl line " + lineNumber + " is not a canonical JSON string");
          ok = false;
          continue;
        }
        Checkpoint c = checkpoint(note, "checkpoints.jsonl line " + lineNumber);
        if (c == null) {
          ok = false;
          continue;
        }
        if (c.treeSize() <= previousSize || c.treeSize() > end) {
          report.problem(
              "checkpoints.jsonl line "
                  + lineNumber
                  + ": tree size "
                  + c.treeSize()
                  + " is not after "
                  + previousSize
                  + " and within the range end "
                  + end);
          ok = false;
          continue;
        }
        if (c.timeMs() < previousTime) {
          report.problem(
              "checkpoints.jsonl line "
                  + lineNumber
                  + ": signed at "
                  + Instant.ofEpochMilli(c.timeMs())
                  + ", before the checkpoint it follows");
          ok = false;
        }
        previousSize = c.treeSize();
        previousTime = c.timeMs();
        checkpoints.add(c);
      }
    }
    expectEqual("manifest checkpoint_count", m.checkpointCount(), lineNumber);
    if (ok) {
      report.pass(
          checkpoints.size()
              + " checkpoints of the range have valid signatures and increasing sizes");
    }
    return checkpoints;
  }

  private byte @Nullable [] entries(
      ProofFile proof,
      long first,
      long end,
      List<Checkpoint> checkpoints,
      @Nullable Instant from,
      @Nullable Instant to,
      Manifest m)
      throws IOException {
    CompactRange range;
    try {
      range = CompactRange.of(first, hashes(proof.frontier()));
    } catch (ProofException e) {
      report.problem("proof.json frontier: " + e.getMessage());
      return null;
    }
    Map<Long, Checkpoint> bySize = new HashMap<>();
    checkpoints.forEach(c -> bySize.put(c.treeSize(), c));
    int problemsBefore = report.problems().size();
    boolean treeIntact = true;
    long expected = first;
    long lines = 0;
    long inWindow = 0;
    long previousSeq = Long.MIN_VALUE;
    long roundStart = first;
    long checkedRoots = 0;
    MessageDigest digest = Sha256.incremental();
    long bytes = 0;
    try (BundleReader.Lines entryLines = bundle.lines(BundleFormat.ENTRIES)) {
      for (byte[] raw; (raw = entryLines.next()) != null; ) {
        digest.update(raw);
        digest.update((byte) '\n');
        bytes += raw.length + 1;
        lines++;
        String where = "entries.jsonl line " + lines;
        if (!CanonicalJson.isCanonical(raw)) {
          report.problem(where + " is not one JSON object in RFC 8785 canonical form");
          treeIntact = false;
          continue;
        }
        EntryLine line = entryLine(raw);
        if (line == null) {
          report.problem(
              where + " does not have the members of an entry line (entry, leaf_hash, leaf_index)");
          treeIntact = false;
          continue;
        }
        long leaf = line.leafIndex();
        if (leaf != expected) {
          if (leaf > expected) {
            report.problem(
                where
                    + ": leaf index "
                    + leaf
                    + ", expected "
                    + expected
                    + ": "
                    + (leaf - 1 > expected
                        ? "leaves " + expected + " to " + (leaf - 1) + " are"
                        : "leaf " + expected + " is")
                    + " missing (entries deleted)");
          } else {
            report.problem(
                where
                    + ": leaf index "
                    + leaf
                    + ", expected "
                    + expected
                    + ": entries are duplicated or out of order");
          }
          treeIntact = false;
          expected = Math.max(expected, leaf + 1);
          continue;
        }
        expected++;
        JsonNode entry = line.entry();
        String problem = EntryFormat.problem(entry);
        if (problem != null) {
          report.problem(where + " (leaf " + leaf + "): " + problem);
        }
        long seq = EntryFormat.seq(entry);
        String at = "leaf " + leaf + " (seq " + seq + ")";
        if (leaf > roundStart && seq <= previousSeq) {
          report.problem(
              at
                  + " follows seq "
                  + previousSeq
                  + " within one integration round:"
                  + " entries are out of order (rounds number leaves in ascending seq)");
        }
        previousSeq = seq;
        byte[] leafHash = TreeHasher.leaf(CanonicalJson.encode(entry));
        String integrated = line.leafHash();
        if (!integrated.isEmpty() && !integrated.equals(LowerHex.encode(leafHash))) {
          report.problem(
              at
                  + ": the entry does not hash to the leaf the tree integrated ("
                  + integrated.substring(0, Math.min(16, integrated.length()))
                  + "…): it was altered or moved after integration");
        }
        Instant time = EntryFormat.time(entry);
        if (time != null
            && from != null
            && to != null
            && !time.isBefore(from)
            && time.isBefore(to)) {
          inWindow++;
        }
        range.append(leafHash);
        Checkpoint signed = bySize.get(range.size());
        if (signed != null) {
          roundStart = range.size();
          if (treeIntact) {
            byte[] root = range.root();
            checkedRoots++;
            if (!Sha256.equal(root, signed.rootHash())) {
              report.problem(
                  "checkpoint of tree size "
                      + signed.treeSize()
                      + " (signed "
                      + Instant.ofEpochMilli(signed.timeMs())
                      + "): the entries lead to root "
                      + LowerHex.encode(root)
                      + ", not the signed root "
                      + signed.rootHex()
                      + ": an entry of the round ending there was altered,"
                      + " removed or reordered");
              treeIntact = false;
            }
          }
        }
      }
    }
    if (expected < end) {
      report.problem(
          "entries.jsonl ends at leaf "
              + (expected - 1)
              + " but the range runs to leaf "
              + (end - 1)
              + ": "
              + (end - 1 > expected
                  ? "leaves " + expected + " to " + (end - 1) + " are"
                  : "leaf " + expected + " is")
              + " missing (the log was truncated)");
      treeIntact = false;
    }
    compareDigest(BundleFormat.ENTRIES, m, new FileDigest(bytes, LowerHex.encode(digest.digest())));
    expectEqual("manifest entry_count", m.entryCount(), lines);
    expectEqual("manifest entries_in_window", m.entriesInWindow(), inWindow);
    if (report.problems().size() == problemsBefore && treeIntact) {
      report.pass(
          lines
              + " entries are canonical, complete and in leaf order; they recompute all "
              + checkedRoots
              + " signed checkpoint roots of the range");
    }
    return treeIntact ? range.root() : null;
  }

  /**
   * Format 2: the range is bounded by signed checkpoints. The start checkpoint (size {@code first},
   * unless 0) must be the root of the frontier the entries are appended to, the last checkpoint of
   * {@code checkpoints.jsonl} must have size {@code end} (the entries then recompute it), and the
   * consistency proof between the two must hold. Returns the start checkpoint (null for 0 or on a
   * problem).
   */
  private @Nullable Checkpoint boundaries(
      ProofFile proof,
      Manifest m,
      @Nullable Checkpoint anchor,
      List<Checkpoint> checkpoints,
      long first,
      long end) {
    int problemsBefore = report.problems().size();
    Checkpoint start = null;
    if (first == 0) {
      if (proof.startCheckpoint() != null || !proof.frontier().isEmpty()) {
        report.problem("proof.json: a range from tree size 0 has no start checkpoint or frontier");
      }
    } else if (proof.startCheckpoint() == null) {
      report.problem(
          "proof.json has no start checkpoint: nothing shows that leaf "
              + first
              + " is where a signed tree ended");
    } else {
      start = checkpoint(proof.startCheckpoint(), "start checkpoint");
      if (start != null && start.treeSize() != first) {
        report.problem(
            "the start checkpoint has tree size "
                + start.treeSize()
                + ", but the range starts at "
                + first);
        start = null;
      } else if (start != null && !start.origin().equals(m.origin())) {
        report.problem("the start checkpoint is for origin " + start.origin());
        start = null;
      }
      if (start != null) {
        try {
          byte[] frontierRoot = CompactRange.of(first, hashes(proof.frontier())).root();
          if (!Sha256.equal(frontierRoot, start.rootHash())) {
            report.problem(
                "proof.json frontier does not give the root of the start checkpoint (size "
                    + first
                    + "): the range does not start where the signed tree of that size ends");
            start = null;
          }
        } catch (ProofException e) {
          report.problem("proof.json frontier: " + e.getMessage());
          start = null;
        }
      }
    }
    Checkpoint endCheckpoint = null;
    if (end > first) {
      Checkpoint lastOne = last(checkpoints);
      if (lastOne == null || lastOne.treeSize() != end) {
        report.problem(
            "checkpoints.jsonl does not end with a signed checkpoint of tree size "
                + end
                + ": the range's end is not a signed tree size");
      } else {
        endCheckpoint = lastOne;
      }
    } else if (end < first) {
      report.problem("the range ends before it starts");
    }
    if (start != null && endCheckpoint != null) {
      try {
        ConsistencyProofVerifier.verify(
            first,
            end,
            start.rootHash(),
            endCheckpoint.rootHash(),
            hashes(java.util.Objects.requireNonNull(proof.boundaryConsistency())));
        report.pass(
            "the signed checkpoints at the range's boundaries (tree sizes "
                + first
                + " and "
                + end
                + ") are consistent (RFC 9162 consistency proof)");
      } catch (ProofException e) {
        report.problem(
            "the boundary checkpoints (tree sizes "
                + first
                + " and "
                + end
                + ") are not consistent: "
                + e.getMessage());
      }
    } else if (first == 0 || end == first) {
      if (!java.util.Objects.requireNonNull(proof.boundaryConsistency()).isEmpty()) {
        report.problem("proof.json boundary_consistency must be empty for this range");
      }
    }
    if (anchor != null && end > anchor.treeSize()) {
      report.problem("the range ends after the anchor checkpoint");
    }
    boundariesProved = report.problems().size() == problemsBefore;
    return start;
  }

  private static @Nullable Checkpoint last(List<Checkpoint> checkpoints) {
    return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
  }

  /**
   * Format 2, an export asked for by time window: how the window maps onto the range, judged by the
   * signed checkpoint times alone (recording times are not signed by the tree, so they cannot bound
   * anything). An entry is integrated only after it was recorded, into a checkpoint signed after
   * that, so an entry recorded in the window lies after a checkpoint signed at or before the
   * window's start; a range ending at a checkpoint signed at or after the window's end holds every
   * entry integrated before that checkpoint.
   */
  private void window(
      Instant from,
      Instant to,
      @Nullable Checkpoint start,
      @Nullable Checkpoint end,
      long first,
      long endSize) {
    String window =
        "the window " + EntryFormat.formatTime(from) + " to " + EntryFormat.formatTime(to);
    if (first == 0) {
      report.pass(window + " starts within the range: the range starts at the empty tree");
    } else if (start != null && !Instant.ofEpochMilli(start.timeMs()).isAfter(from)) {
      report.pass(
          window
              + " starts within the range: its start checkpoint (size "
              + first
              + ") was signed at "
              + Instant.ofEpochMilli(start.timeMs())
              + ", not after the window's start");
    } else if (start != null) {
      report.warn(
          window
              + ": the start checkpoint (size "
              + first
              + ") was signed at "
              + Instant.ofEpochMilli(start.timeMs())
              + ", after the window's start: entries recorded between the two may lie before the"
              + " range");
    }
    if (end != null && !Instant.ofEpochMilli(end.timeMs()).isBefore(to)) {
      report.pass(
          window
              + " ends within the range: its end checkpoint (size "
              + endSize
              + ") was signed at "
              + Instant.ofEpochMilli(end.timeMs())
              + ", not before the window's end");
    } else {
      report.warn(
          window
              + " reaches beyond the range: its end checkpoint (size "
              + endSize
              + ")"
              + (end == null
                  ? " is the empty tree"
                  : " was signed at " + Instant.ofEpochMilli(end.timeMs()))
              + ", before the window's end, so entries integrated later are not in this bundle;"
              + " export again once a later checkpoint is signed");
    }
  }

  private void witnesses(
      ProofFile proof, Checkpoint anchor, long first, long end, Instant from, Instant to) {
    if (first > 0) {
      witness(proof.startWitness(), first - 1, anchor, "start", from, to, true);
    }
    if (end < anchor.treeSize()) {
      witness(proof.endWitness(), end, anchor, "end", from, to, false);
    }
  }

  /**
   * The leaf just before the range must be recorded before the window, and the leaf just after it
   * at or after the window's end: otherwise a range could stop short of (or skip) the window and
   * still verify.
   */
  private void witness(
      @Nullable Witness witness,
      long leaf,
      Checkpoint anchor,
      String which,
      Instant from,
      Instant to,
      boolean before) {
    String what = which + " witness (leaf " + leaf + ")";
    JsonNode entry = witness == null ? null : witness.entry();
    if (witness == null || witness.leafIndex() != leaf || entry == null || !entry.isObject()) {
      report.problem(
          what
              + " is missing: the gateway could not show leaf "
              + leaf
              + ", so nothing proves the range "
              + (before ? "starts" : "ends")
              + " where the window does"
              + (before ? "" : " (the log was truncated?)"));
      return;
    }
    try {
      InclusionProofVerifier.verify(
          leaf,
          anchor.treeSize(),
          TreeHasher.leaf(CanonicalJson.encode(entry)),
          hashes(witness.inclusion()),
          anchor.rootHash());
    } catch (ProofException e) {
      report.problem(what + ": " + e.getMessage());
      return;
    }
    Instant time = EntryFormat.time(entry);
    if (time == null || (before ? !time.isBefore(from) : time.isBefore(to))) {
      report.problem(
          what
              + " was recorded at "
              + EntryFormat.timeText(entry)
              + ", which is "
              + (before
                  ? "not before the window start " + EntryFormat.formatTime(from)
                  : "before the window end " + EntryFormat.formatTime(to))
              + ": the range does not cover the whole window");
      return;
    }
    report.pass(
        what + " is in the anchor tree and lies " + (before ? "before" : "after") + " the window");
  }

  /**
   * Consistency with the previous export: the bundle's own proof from the tree size the gateway
   * chose, and, if the auditor brings the previous bundle, that bundle's anchor. {@code recomputed}
   * are the signed checkpoints of the range whose roots the entries recomputed (empty if they did
   * not).
   */
  private void previous(ProofFile proof, @Nullable Checkpoint anchor, List<Checkpoint> recomputed)
      throws IOException {
    Previous previous = proof.previous();
    Checkpoint earlier = null;
    if (previous != null) {
      long size = previous.treeSize();
      if (previous.checkpoint() == null) {
        report.problem(
            "the previous export covered tree size "
                + size
                + " but the log now has only "
                + (anchor == null ? 0 : anchor.treeSize())
                + " leaves: the log was truncated or rolled back");
      } else {
        earlier = checkpoint(previous.checkpoint(), "previous export's checkpoint");
        if (earlier != null && anchor != null) {
          try {
            ConsistencyProofVerifier.verify(
                earlier.treeSize(),
                anchor.treeSize(),
                earlier.rootHash(),
                anchor.rootHash(),
                hashes(previous.consistency()));
            report.pass(
                "the log only grew since the previous export (tree size "
                    + earlier.treeSize()
                    + " to "
                    + anchor.treeSize()
                    + ")");
          } catch (ProofException e) {
            report.problem("the log is not an extension of the previous export: " + e.getMessage());
          }
        }
      }
    }
    if (options.previousBundle() != null) {
      Checkpoint theirs = anchorOf(options.previousBundle());
      if (theirs == null) {
        return;
      }
      String theirsText =
          "the previous bundle's anchor (tree size "
              + theirs.treeSize()
              + ", root "
              + theirs.rootHex()
              + ")";
      Checkpoint same = sameSize(theirs, earlier, anchor, recomputed);
      if (earlier != null && earlier.equals(theirs)) {
        report.pass("the previous bundle's anchor is the checkpoint this bundle extends");
      } else if (anchor != null && anchor.equals(theirs)) {
        report.pass(
            "the previous bundle's anchor is this bundle's anchor: the log did not change since");
      } else if (recomputed.stream()
          .anyMatch(
              c ->
                  c.treeSize() == theirs.treeSize()
                      && Sha256.equal(c.rootHash(), theirs.rootHash()))) {
        report.pass(
            "the previous bundle's anchor (tree size "
                + theirs.treeSize()
                + ") is a signed checkpoint of this"
                + " bundle that its entries recompute: the log only grew since");
      } else if (same != null) {
        // Two signed checkpoints of one size with different roots: that is a fork, whatever else
        // holds.
        report.problem(
            theirsText
                + " and this bundle's signed checkpoint of the same size (root "
                + same.rootHex()
                + ") differ: the log forked or was rolled back");
      } else if (anchor != null && theirs.treeSize() > anchor.treeSize()) {
        report.problem(
            theirsText
                + " is larger than this bundle's anchor (tree size "
                + anchor.treeSize()
                + "): the log was truncated or rolled back");
      } else {
        // Not a fork: this bundle simply carries no proof from that size (the gateway's default is
        // its last export, which may be another one). Nothing is proved either, so it cannot pass.
        report.problem(
            theirsText
                + " cannot be checked: this bundle proves consistency from "
                + (earlier == null ? "no earlier checkpoint" : "tree size " + earlier.treeSize())
                + "; export again with previous_tree_size="
                + theirs.treeSize());
      }
    }
  }

  private static @Nullable Checkpoint sameSize(
      Checkpoint theirs,
      @Nullable Checkpoint earlier,
      @Nullable Checkpoint anchor,
      List<Checkpoint> recomputed) {
    List<Checkpoint> ours = new ArrayList<>(recomputed);
    if (earlier != null) {
      ours.add(earlier);
    }
    if (anchor != null) {
      ours.add(anchor);
    }
    return ours.stream()
        .filter(
            c ->
                c.treeSize() == theirs.treeSize() && !Sha256.equal(c.rootHash(), theirs.rootHash()))
        .findFirst()
        .orElse(null);
  }

  private @Nullable Checkpoint anchorOf(Path previousBundle) throws IOException {
    try (BundleReader other = BundleReader.open(previousBundle)) {
      if (!other.has(BundleFormat.PROOF)) {
        report.problem("the previous bundle " + previousBundle + " has no proof.json");
        return null;
      }
      String note =
          BundleFormat.decode(
                  BundleFormat.upgradeV1(
                      CanonicalJson.parseObject(other.read(BundleFormat.PROOF)),
                      BundleFormat.PROOF_V2_MEMBERS),
                  ProofFile.class)
              .anchor();
      return note != null ? checkpoint(note, "previous bundle's anchor checkpoint") : null;
    } catch (ZipException | IllegalArgumentException e) {
      report.problem("the previous bundle " + previousBundle + " is not a readable export bundle");
      return null;
    }
  }

  private void expectEqual(String what, long stated, long actual) {
    if (stated != actual) {
      report.problem(what + " is " + stated + " but the bundle holds " + actual);
    }
  }

  private @Nullable Instant time(String value, String field) {
    try {
      return EntryFormat.parseTime(value);
    } catch (IllegalArgumentException e) {
      report.problem("manifest.json " + field + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * A small JSON file of the bundle as its record, or null (reported) if it is not canonical or not
   * that record.
   */
  private <T extends Record> @Nullable T json(String name, Class<T> type) throws IOException {
    byte[] bytes = bundle.read(name);
    if (!CanonicalJson.isCanonical(bytes)) {
      report.problem(name + " is not one JSON object in RFC 8785 canonical form");
      return null;
    }
    JsonNode document = CanonicalJson.parseObject(bytes);
    if (v1 && type == ProofFile.class) {
      document = BundleFormat.upgradeV1(document, BundleFormat.PROOF_V2_MEMBERS);
    }
    return decode(name, document, type);
  }

  private <T extends Record> @Nullable T decode(String name, JsonNode document, Class<T> type) {
    try {
      return BundleFormat.decode(document, type);
    } catch (IllegalArgumentException e) {
      report.problem(
          name
              + " does not have the members of format "
              + BundleFormat.FORMAT
              + ": "
              + e.getMessage());
      return null;
    }
  }

  /**
   * The signed note a checkpoints.jsonl line holds, or null if the line is not one canonical JSON
   * string.
   */
  private static @Nullable String checkpointNote(byte[] line) {
    if (line.length == 0 || line[0] != '"') {
      return null;
    }
    try {
      JsonNode value = ObjectMappers.strict().readTree(line);
      return value != null
              && value.isTextual()
              && MessageDigest.isEqual(CanonicalJson.encode(value), line)
          ? value.textValue()
          : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A canonical entries.jsonl line as its record, or null if it is not an entry line. */
  private static @Nullable EntryLine entryLine(byte[] line) {
    try {
      return BundleFormat.decode(CanonicalJson.parseObject(line), EntryLine.class);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<byte[]> hashes(List<String> hexHashes) throws ProofException {
    List<byte[]> out = new ArrayList<>(hexHashes.size());
    for (String h : hexHashes) {
      byte[] raw = LowerHex.decode(h, 32);
      if (raw == null) {
        throw new ProofException("a hash is not 64 lowercase hex characters");
      }
      out.add(raw);
    }
    return out;
  }
}
