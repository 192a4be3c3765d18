package io.hsip.policygateway.audit.bundle;

import java.util.List;

/**
 * The names in an export bundle (format {@code hsip-audit-bundle/1}), in the order they are written. See
 * {@code compliance/audit-verification.md} for the meaning of every file and field.
 */
public final class BundleFormat {

  /** The format identifier in {@code manifest.json}. */
  public static final String FORMAT = "hsip-audit-bundle/1";

  /** The gateway's public key and the log's origin. */
  public static final String KEY = "gateway-key.json";

  /** Frontier, anchor checkpoint, consistency proofs and boundary witnesses. */
  public static final String PROOF = "proof.json";

  /** Every checkpoint signed inside the range, one signed note per line (JSON string). */
  public static final String CHECKPOINTS = "checkpoints.jsonl";

  /** The entries, one canonical JSON object per line, in leaf order. */
  public static final String ENTRIES = "entries.jsonl";

  /** Counts and file digests, canonical JSON, signed. */
  public static final String MANIFEST = "manifest.json";

  /** Ed25519 signature of {@code manifest.json}, lowercase hex. */
  public static final String MANIFEST_SIGNATURE = "manifest.sig";

  /** The files the manifest lists with their digests. */
  public static final List<String> DIGESTED = List.of(KEY, PROOF, CHECKPOINTS, ENTRIES);

  private BundleFormat() {}
}
