package io.hsip.policygateway.audit.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.audit.AuditKind;
import io.hsip.policygateway.audit.internal.EntryFormat;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.transparency.CanonicalJson;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.CheckpointParseException;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.CompactRange;
import io.hsip.policygateway.hsip.transparency.ConsistencyProofVerifier;
import io.hsip.policygateway.hsip.transparency.InclusionProofVerifier;
import io.hsip.policygateway.hsip.transparency.ProofException;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an export bundle offline: no network, no database, only the bundle, the pinned gateway key the
 * auditor trusts (required) and optionally the previous bundle. It checks the manifest signature and every file digest, every
 * checkpoint signature, that every entry is canonical, well-formed, in leaf order without gaps and matches the
 * hash the tree integrated, that the entries recompute every signed checkpoint of the range and are
 * consistent with the anchor checkpoint, that the range covers the whole window (boundary witnesses), every
 * count of the manifest, and consistency with the previous export. Entries are streamed, so memory stays
 * bounded by the number of checkpoints, not entries.
 */
public final class BundleVerifier {

  /**
   * What the auditor brings besides the bundle.
   *
   * @param pinnedKey the gateway key the auditor trusts (from {@code GET /api/v1/audit/public-key}, kept from
   *     earlier); required, because a bundle checked only against the key it carries proves nothing: whoever
   *     rewrote the bundle chose that key too
   * @param previousBundle the previous export, to prove the log only grew since
   */
  public record Options(Ed25519PublicKey pinnedKey, @Nullable Path previousBundle) {
    /** Requires the pinned key. */
    public Options {
      java.util.Objects.requireNonNull(pinnedKey, "pinnedKey: verify against the gateway key you trust");
    }
  }

  private static final int MAX_SMALL_FILE = 16 * 1024 * 1024;
  private static final int MAX_LINE = 1024 * 1024;

  private final VerificationReport report = new VerificationReport();
  private final ZipFile zip;
  private final Options options;
  private @Nullable Ed25519PublicKey key;

  private BundleVerifier(ZipFile zip, Options options) {
    this.zip = zip;
    this.options = options;
  }

  /** Verifies {@code bundle}; the report says what passed and every problem found. */
  public static VerificationReport verify(Path bundle, Options options) {
    try (ZipFile zip = new ZipFile(bundle.toFile(), StandardCharsets.UTF_8)) {
      BundleVerifier verifier = new BundleVerifier(zip, options);
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
    if (!checkLayout()) {
      return;
    }
    byte[] manifestBytes = read(BundleFormat.MANIFEST);
    if (!CanonicalJson.isCanonical(manifestBytes)) {
      report.problem("manifest.json is not one JSON object in RFC 8785 canonical form");
      return;
    }
    JsonNode m = CanonicalJson.parseObject(manifestBytes);
    if (!BundleFormat.FORMAT.equals(m.path("format").asText())) {
      report.problem("manifest.json format is `" + m.path("format").asText() + "`, expected " + BundleFormat.FORMAT);
      return;
    }
    if (!checkKey(manifestBytes, m)) {
      return;
    }
    checkDigest(BundleFormat.KEY, m);
    checkDigest(BundleFormat.PROOF, m);
    checkDigest(BundleFormat.CHECKPOINTS, m);

    JsonNode proof = json(BundleFormat.PROOF);
    if (proof == null) {
      return;
    }
    Checkpoint anchor = anchor(proof, m);
    long first = proof.path("first_leaf").asLong(-1);
    long end = proof.path("end_leaf").asLong(-1);
    long size = proof.path("tree_size").asLong(-1);
    expectEqual("manifest first_leaf", m.path("first_leaf").asLong(-2), first);
    expectEqual("manifest end_leaf", m.path("end_leaf").asLong(-2), end);
    expectEqual("manifest tree_size", m.path("tree_size").asLong(-2), size);
    if (first < 0 || end < first || end > size) {
      report.problem("proof.json range [" + first + ", " + end + ") is not inside tree size " + size);
      return;
    }
    List<Checkpoint> checkpoints = checkpoints(first, end, m);
    Instant from = time(m, "window_from");
    Instant to = time(m, "window_to");
    byte[] rangeRoot = entries(proof, first, end, checkpoints, from, to, m);
    if (anchor != null && rangeRoot != null) {
      try {
        ConsistencyProofVerifier.verify(end, size, rangeRoot, anchor.rootHash(), hashes(proof.path("consistency_to_anchor")));
        report.pass("entries [" + first + ", " + end + ") are consistent with the anchor checkpoint (size " + size + ")");
      } catch (ProofException e) {
        report.problem("the entries do not lead to the signed anchor checkpoint: " + e.getMessage());
      }
    }
    if (anchor != null && from != null && to != null) {
      witnesses(proof, anchor, first, end, from, to);
    }
    previous(proof, anchor, rangeRoot != null ? checkpoints : List.of());
    boolean complete = m.path("complete").asBoolean(false);
    long pending = m.path("not_yet_integrated").asLong(0);
    long missing = m.path("missing_leaves").asLong(0);
    if (!complete || pending != 0 || missing != 0) {
      report.problem("the bundle is incomplete by its own account: " + pending
          + " entries of the window were not yet in a signed checkpoint and " + missing
          + " leaves were missing from the gateway's database; export again later or investigate");
    }
    report.summary(m.path("entry_count").asLong() + " entries (leaves " + first + " to " + end
        + " of tree size " + size + "), " + checkpoints.size() + " checkpoints, window "
        + m.path("window_from").asText() + " to " + m.path("window_to").asText() + ", signed by "
        + (key == null ? "?" : key.peerId().value()));
  }

  private boolean checkLayout() {
    Set<String> names = new HashSet<>();
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      String name = e.nextElement().getName();
      if (!names.add(name)) {
        report.problem("the bundle holds " + name + " twice");
        return false;
      }
    }
    List<String> required = new ArrayList<>(BundleFormat.DIGESTED);
    required.add(BundleFormat.MANIFEST);
    required.add(BundleFormat.MANIFEST_SIGNATURE);
    boolean ok = true;
    for (String name : required) {
      if (!names.remove(name)) {
        report.problem("the bundle has no " + name);
        ok = false;
      }
    }
    for (String extra : names) {
      report.problem("the bundle holds an unexpected file " + extra);
      ok = false;
    }
    return ok;
  }

  private boolean checkKey(byte[] manifestBytes, JsonNode m) throws IOException {
    JsonNode keyFile = json(BundleFormat.KEY);
    if (keyFile == null) {
      return false;
    }
    try {
      key = Ed25519PublicKey.fromHex(keyFile.path("public_key_hex").asText());
    } catch (InvalidKeyException e) {
      report.problem("gateway-key.json: " + e.getMessage());
      return false;
    }
    if (!options.pinnedKey().equals(key)) {
      report.problem("the bundle's public key (PeerID " + key.peerId().value() + ") is not the pinned gateway key"
          + " (PeerID " + options.pinnedKey().peerId().value() + "): the bundle was not made by this gateway");
      return false;
    }
    report.pass("the bundle's public key is the pinned gateway key (PeerID " + key.peerId().value() + ")");
    if (!key.hex().equals(m.path("public_key_hex").asText()) || !keyFile.path("origin").asText().equals(m.path("origin").asText())) {
      report.problem("manifest.json names another public key or origin than gateway-key.json");
    }
    String signature = new String(read(BundleFormat.MANIFEST_SIGNATURE), StandardCharsets.US_ASCII).strip();
    byte[] raw = LowerHex.decode(signature, 64);
    if (raw == null) {
      report.problem("manifest.sig is not 128 lowercase hex characters");
      return false;
    }
    try {
      key.verify(manifestBytes, raw);
      report.pass("manifest signature verifies under the bundle's public key (PeerID " + key.peerId().value() + ")");
    } catch (InvalidSignatureException e) {
      report.problem("manifest.sig does not verify under the bundle's public key (PeerID " + key.peerId().value()
          + "): the manifest or the key was replaced");
      return false;
    }
    return true;
  }

  private void checkDigest(String name, JsonNode m) throws IOException {
    try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
      MessageDigest digest = Sha256.incremental();
      byte[] buffer = new byte[65536];
      long count = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        count += n;
      }
      compareDigest(name, m, LowerHex.encode(digest.digest()), count);
    }
  }

  private void compareDigest(String name, JsonNode m, String sha256, long bytes) {
    JsonNode file = m.path("files").path(name);
    if (!sha256.equals(file.path("sha256").asText()) || bytes != file.path("bytes").asLong(-1)) {
      report.problem(name + " does not match the digest in the signed manifest: it was changed after export");
    } else {
      report.pass(name + " matches the signed manifest (" + bytes + " bytes)");
    }
  }

  private @Nullable Checkpoint anchor(JsonNode proof, JsonNode m) {
    JsonNode note = proof.path("anchor");
    if (!note.isTextual()) {
      if (proof.path("tree_size").asLong(-1) != 0) {
        report.problem("proof.json has no anchor checkpoint");
      }
      return null;
    }
    Checkpoint anchor = checkpoint(note.asText(), "anchor checkpoint");
    if (anchor != null) {
      if (anchor.treeSize() != proof.path("tree_size").asLong(-1)) {
        report.problem("anchor checkpoint has tree size " + anchor.treeSize() + ", proof.json says "
            + proof.path("tree_size").asLong(-1));
        return null;
      }
      if (!anchor.origin().equals(m.path("origin").asText())) {
        report.problem("anchor checkpoint is for origin " + anchor.origin() + ", not " + m.path("origin").asText());
        return null;
      }
      report.pass("anchor checkpoint signature (tree size " + anchor.treeSize() + ", root " + anchor.rootHex() + ")");
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

  private List<Checkpoint> checkpoints(long first, long end, JsonNode m) throws IOException {
    List<Checkpoint> checkpoints = new ArrayList<>();
    long lineNumber = 0;
    long previousSize = first;
    long previousTime = Long.MIN_VALUE;
    boolean ok = true;
    try (InputStream in = new LineReader(zip.getInputStream(zip.getEntry(BundleFormat.CHECKPOINTS)))) {
      for (byte[] line; (line = readLine(in)) != null; ) {
        lineNumber++;
        JsonNode note = parseLine(line);
        if (note == null || !note.isTextual()) {
          report.problem("checkpoints.jsonl line " + lineNumber + " is not a canonical JSON string");
          ok = false;
          continue;
        }
        Checkpoint c = checkpoint(note.asText(), "checkpoints.jsonl line " + lineNumber);
        if (c == null) {
          ok = false;
          continue;
        }
        if (c.treeSize() <= previousSize || c.treeSize() > end) {
          report.problem("checkpoints.jsonl line " + lineNumber + ": tree size " + c.treeSize()
              + " is not after " + previousSize + " and within the range end " + end);
          ok = false;
          continue;
        }
        if (c.timeMs() < previousTime) {
          report.problem("checkpoints.jsonl line " + lineNumber + ": signed at " + Instant.ofEpochMilli(c.timeMs())
              + ", before the checkpoint it follows");
          ok = false;
        }
        previousSize = c.treeSize();
        previousTime = c.timeMs();
        checkpoints.add(c);
      }
    }
    expectEqual("manifest checkpoint_count", m.path("checkpoint_count").asLong(-1), lineNumber);
    if (ok) {
      report.pass(checkpoints.size() + " checkpoints of the range have valid signatures and increasing sizes");
    }
    return checkpoints;
  }

  private byte @Nullable [] entries(JsonNode proof, long first, long end, List<Checkpoint> checkpoints,
      @Nullable Instant from, @Nullable Instant to, JsonNode m) throws IOException {
    CompactRange range;
    try {
      range = CompactRange.of(first, hashes(proof.path("frontier")));
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
    try (InputStream in = new LineReader(zip.getInputStream(zip.getEntry(BundleFormat.ENTRIES)))) {
      for (byte[] raw; (raw = readLine(in)) != null; ) {
        digest.update(raw);
        digest.update((byte) '\n');
        bytes += raw.length + 1;
        lines++;
        String where = "entries.jsonl line " + lines;
        JsonNode line = parseLine(raw);
        if (line == null) {
          report.problem(where + " is not one JSON object in RFC 8785 canonical form");
          treeIntact = false;
          continue;
        }
        long leaf = line.path("leaf_index").asLong(-1);
        if (leaf != expected) {
          if (leaf > expected) {
            report.problem(where + ": leaf index " + leaf + ", expected " + expected + ": "
                + (leaf - 1 > expected ? "leaves " + expected + " to " + (leaf - 1) + " are" : "leaf " + expected + " is")
                + " missing (entries deleted)");
          } else {
            report.problem(where + ": leaf index " + leaf + ", expected " + expected
                + ": entries are duplicated or out of order");
          }
          treeIntact = false;
          expected = Math.max(expected, leaf + 1);
          continue;
        }
        expected++;
        JsonNode entry = line.path("entry");
        String problem = entryProblem(entry);
        if (problem != null) {
          report.problem(where + " (leaf " + leaf + "): " + problem);
        }
        long seq = entry.path("seq").asLong();
        String at = "leaf " + leaf + " (seq " + seq + ")";
        if (leaf > roundStart && seq <= previousSeq) {
          report.problem(at + " follows seq " + previousSeq + " within one integration round:"
              + " entries are out of order (rounds number leaves in ascending seq)");
        }
        previousSeq = seq;
        byte[] leafHash = TreeHasher.leaf(CanonicalJson.encode(entry));
        String integrated = line.path("leaf_hash").asText();
        if (!integrated.isEmpty() && !integrated.equals(LowerHex.encode(leafHash))) {
          report.problem(at + ": the entry does not hash to the leaf the tree integrated ("
              + integrated.substring(0, Math.min(16, integrated.length())) + "…): it was altered or moved after integration");
        }
        Instant time = entryTime(entry);
        if (time != null && from != null && to != null && !time.isBefore(from) && time.isBefore(to)) {
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
              report.problem("checkpoint of tree size " + signed.treeSize() + " (signed "
                  + Instant.ofEpochMilli(signed.timeMs()) + "): the entries lead to root " + LowerHex.encode(root)
                  + ", not the signed root " + signed.rootHex() + ": an entry of the round ending there was altered,"
                  + " removed or reordered");
              treeIntact = false;
            }
          }
        }
      }
    }
    if (expected < end) {
      report.problem("entries.jsonl ends at leaf " + (expected - 1) + " but the range runs to leaf " + (end - 1)
          + ": " + (end - 1 > expected ? "leaves " + expected + " to " + (end - 1) + " are" : "leaf " + expected + " is")
          + " missing (the log was truncated)");
      treeIntact = false;
    }
    compareDigest(BundleFormat.ENTRIES, m, LowerHex.encode(digest.digest()), bytes);
    expectEqual("manifest entry_count", m.path("entry_count").asLong(-1), lines);
    expectEqual("manifest entries_in_window", m.path("entries_in_window").asLong(-1), inWindow);
    if (report.problems().size() == problemsBefore && treeIntact) {
      report.pass(lines + " entries are canonical, complete and in leaf order; they recompute all "
          + checkedRoots + " signed checkpoint roots of the range");
    }
    return treeIntact ? range.root() : null;
  }

  private static @Nullable String entryProblem(JsonNode entry) {
    if (!entry.isObject()) {
      return "`entry` is not an object";
    }
    if (entry.path("schema").asInt(-1) != EntryFormat.SCHEMA || !entry.path("schema").isIntegralNumber()) {
      return "unsupported schema " + entry.path("schema");
    }
    if (!entry.path("seq").isIntegralNumber() || entry.path("seq").asLong() < 1) {
      return "`seq` is not a positive integer";
    }
    if (AuditKind.fromWire(entry.path("kind").asText()).isEmpty()) {
      return "unknown audit kind `" + entry.path("kind").asText().toLowerCase(Locale.ROOT) + "`";
    }
    if (entryTime(entry) == null) {
      return "`time` is not a UTC time with milliseconds";
    }
    if (!entry.path("actor").isTextual() || !entry.path("action").isTextual()) {
      return "`actor` and `action` are required strings";
    }
    return null;
  }

  private static @Nullable Instant entryTime(JsonNode entry) {
    try {
      return entry.path("time").isTextual() ? EntryFormat.parseTime(entry.path("time").asText()) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void witnesses(JsonNode proof, Checkpoint anchor, long first, long end, Instant from, Instant to) {
    if (first > 0) {
      witness(proof.path("start_witness"), first - 1, anchor, "start", from, to, true);
    }
    if (end < anchor.treeSize()) {
      witness(proof.path("end_witness"), end, anchor, "end", from, to, false);
    }
  }

  /**
   * The leaf just before the range must be recorded before the window, and the leaf just after it at or after the
   * window's end: otherwise a range could stop short of (or skip) the window and still verify.
   */
  private void witness(JsonNode witness, long leaf, Checkpoint anchor, String which, Instant from, Instant to,
      boolean before) {
    String what = which + " witness (leaf " + leaf + ")";
    JsonNode entry = witness.path("entry");
    if (!witness.isObject() || witness.path("leaf_index").asLong(-1) != leaf || !entry.isObject()) {
      report.problem(what + " is missing: the gateway could not show leaf " + leaf
          + ", so nothing proves the range " + (before ? "starts" : "ends") + " where the window does"
          + (before ? "" : " (the log was truncated?)"));
      return;
    }
    try {
      InclusionProofVerifier.verify(leaf, anchor.treeSize(), TreeHasher.leaf(CanonicalJson.encode(entry)),
          hashes(witness.path("inclusion")), anchor.rootHash());
    } catch (ProofException e) {
      report.problem(what + ": " + e.getMessage());
      return;
    }
    Instant time = entryTime(entry);
    if (time == null || (before ? !time.isBefore(from) : time.isBefore(to))) {
      report.problem(what + " was recorded at " + entry.path("time").asText() + ", which is "
          + (before ? "not before the window start " + EntryFormat.formatTime(from)
              : "before the window end " + EntryFormat.formatTime(to))
          + ": the range does not cover the whole window");
      return;
    }
    report.pass(what + " is in the anchor tree and lies " + (before ? "before" : "after") + " the window");
  }

  /**
   * Consistency with the previous export: the bundle's own proof from the tree size the gateway chose, and, if
   * the auditor brings the previous bundle, that bundle's anchor. {@code recomputed} are the signed checkpoints
   * of the range whose roots the entries recomputed (empty if they did not).
   */
  private void previous(JsonNode proof, @Nullable Checkpoint anchor, List<Checkpoint> recomputed)
      throws IOException {
    JsonNode previous = proof.path("previous");
    Checkpoint earlier = null;
    if (previous.isObject()) {
      long size = previous.path("tree_size").asLong(-1);
      if (!previous.path("checkpoint").isTextual()) {
        report.problem("the previous export covered tree size " + size + " but the log now has only "
            + (anchor == null ? 0 : anchor.treeSize()) + " leaves: the log was truncated or rolled back");
      } else {
        earlier = checkpoint(previous.path("checkpoint").asText(), "previous export's checkpoint");
        if (earlier != null && anchor != null) {
          try {
            ConsistencyProofVerifier.verify(earlier.treeSize(), anchor.treeSize(), earlier.rootHash(), anchor.rootHash(),
                hashes(previous.path("consistency")));
            report.pass("the log only grew since the previous export (tree size " + earlier.treeSize() + " to "
                + anchor.treeSize() + ")");
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
      String theirsText = "the previous bundle's anchor (tree size " + theirs.treeSize() + ", root " + theirs.rootHex() + ")";
      Checkpoint same = sameSize(theirs, earlier, anchor, recomputed);
      if (earlier != null && earlier.equals(theirs)) {
        report.pass("the previous bundle's anchor is the checkpoint this bundle extends");
      } else if (anchor != null && anchor.equals(theirs)) {
        report.pass("the previous bundle's anchor is this bundle's anchor: the log did not change since");
      } else if (recomputed.stream().anyMatch(c -> c.treeSize() == theirs.treeSize()
          && Sha256.equal(c.rootHash(), theirs.rootHash()))) {
        report.pass("the previous bundle's anchor (tree size " + theirs.treeSize() + ") is a signed checkpoint of this"
            + " bundle that its entries recompute: the log only grew since");
      } else if (same != null) {
        // Two signed checkpoints of one size with different roots: that is a fork, whatever else holds.
        report.problem(theirsText + " and this bundle's signed checkpoint of the same size (root " + same.rootHex()
            + ") differ: the log forked or was rolled back");
      } else if (anchor != null && theirs.treeSize() > anchor.treeSize()) {
        report.problem(theirsText + " is larger than this bundle's anchor (tree size " + anchor.treeSize()
            + "): the log was truncated or rolled back");
      } else {
        // Not a fork: this bundle simply carries no proof from that size (the gateway's default is its last
        // export, which may be another one). Nothing is proved either, so it cannot pass.
        report.problem(theirsText + " cannot be checked: this bundle proves consistency from "
            + (earlier == null ? "no earlier checkpoint" : "tree size " + earlier.treeSize())
            + "; export again with previous_tree_size=" + theirs.treeSize());
      }
    }
  }

  private static @Nullable Checkpoint sameSize(Checkpoint theirs, @Nullable Checkpoint earlier,
      @Nullable Checkpoint anchor, List<Checkpoint> recomputed) {
    List<Checkpoint> ours = new ArrayList<>(recomputed);
    if (earlier != null) {
      ours.add(earlier);
    }
    if (anchor != null) {
      ours.add(anchor);
    }
    return ours.stream().filter(c -> c.treeSize() == theirs.treeSize() && !Sha256.equal(c.rootHash(), theirs.rootHash()))
        .findFirst().orElse(null);
  }

  private @Nullable Checkpoint anchorOf(Path previousBundle) throws IOException {
    try (ZipFile other = new ZipFile(previousBundle.toFile(), StandardCharsets.UTF_8)) {
      ZipEntry entry = other.getEntry(BundleFormat.PROOF);
      if (entry == null) {
        report.problem("the previous bundle " + previousBundle + " has no proof.json");
        return null;
      }
      byte[] bytes;
      try (InputStream in = other.getInputStream(entry)) {
        bytes = in.readNBytes(MAX_SMALL_FILE);
      }
      JsonNode note = CanonicalJson.parseObject(bytes).path("anchor");
      return note.isTextual() ? checkpoint(note.asText(), "previous bundle's anchor checkpoint") : null;
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

  private @Nullable Instant time(JsonNode m, String field) {
    try {
      return EntryFormat.parseTime(m.path(field).asText());
    } catch (IllegalArgumentException e) {
      report.problem("manifest.json " + field + ": " + e.getMessage());
      return null;
    }
  }

  private @Nullable JsonNode json(String name) throws IOException {
    byte[] bytes = read(name);
    if (!CanonicalJson.isCanonical(bytes)) {
      report.problem(name + " is not one JSON object in RFC 8785 canonical form");
      return null;
    }
    return CanonicalJson.parseObject(bytes);
  }

  private byte[] read(String name) throws IOException {
    ZipEntry entry = zip.getEntry(name);
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes(MAX_SMALL_FILE);
      if (in.read() != -1) {
        throw new IOException(name + " is larger than 16 MiB");
      }
      return bytes;
    }
  }

  private static @Nullable JsonNode parseLine(byte[] line) {
    if (line.length > 0 && line[0] == '"') {
      // checkpoints.jsonl lines are JSON strings: canonical iff re-encoding gives the same bytes.
      try {
        JsonNode value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        return value != null && value.isTextual()
            && java.security.MessageDigest.isEqual(CanonicalJson.encode(value), line) ? value : null;
      } catch (IOException e) {
        return null;
      }
    }
    if (!CanonicalJson.isCanonical(line)) {
      return null;
    }
    ObjectNode node = CanonicalJson.parseObject(line);
    return node;
  }

  private static List<byte[]> hashes(JsonNode array) throws ProofException {
    if (!array.isArray()) {
      throw new ProofException("expected an array of hashes");
    }
    List<byte[]> out = new ArrayList<>(array.size());
    for (JsonNode h : array) {
      byte[] raw = h.isTextual() ? LowerHex.decode(h.asText(), 32) : null;
      if (raw == null) {
        throw new ProofException("a hash is not 64 lowercase hex characters");
      }
      out.add(raw);
    }
    return out;
  }

  private static byte @Nullable [] readLine(InputStream in) throws IOException {
    return ((LineReader) in).next();
  }

  /** Reads newline-terminated lines from a buffer, without per-byte locking. */
  private static final class LineReader extends BufferedInputStream {
    LineReader(InputStream in) {
      super(in, 1 << 16);
    }

    byte @Nullable [] next() throws IOException {
      ByteArrayOutputStream line = null;
      while (true) {
        if (pos >= count) {
          int n = in.read(buf, 0, buf.length);
          if (n <= 0) {
            return line == null || line.size() == 0 ? null : line.toByteArray();
          }
          pos = 0;
          count = n;
        }
        for (int i = pos; i < count; i++) {
          if (buf[i] == '\n') {
            byte[] out;
            if (line == null) {
              out = java.util.Arrays.copyOfRange(buf, pos, i);
            } else {
              line.write(buf, pos, i - pos);
              out = line.toByteArray();
            }
            pos = i + 1;
            return out;
          }
        }
        if (line == null) {
          line = new ByteArrayOutputStream(1024);
        }
        line.write(buf, pos, count - pos);
        pos = count;
        if (line.size() > MAX_LINE) {
          throw new IOException("a line is longer than 1 MiB");
        }
      }
    }
  }
}
