package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.hsip.transparency.NodeSource;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored tree ({@code audit_tile}), in tiles of 256 hashes as Trillian Tessera keeps them: tile
 * (L, i) holds the perfect subtrees of height 8L numbered 256i to 256i+255. A perfect subtree of
 * height 8L+r (r &lt; 8) is recomputed from 2^r hashes of one tile. Full tiles never change once
 * committed and are cached; the last tile of each level grows and is always read fresh.
 *
 * <p>Only committed tiles reach the cache: a reader over a connection with an open transaction (the
 * integrator's round, which reads the tiles it just wrote and may still roll back) keeps what it
 * loads to itself.
 */
public final class TileStore {

  /** Hashes per tile. */
  public static final int WIDTH = 256;

  /** Tree levels per tile level. */
  public static final int HEIGHT = 8;

  private static final int HASH = TreeHasher.HASH_LENGTH;
  private static final int CACHED_TILES = 4096;

  private final Map<Long, List<byte[]>> fullTiles =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, List<byte[]>> eldest) {
              return size() > CACHED_TILES;
            }
          });

  /**
   * A node source over the tiles as {@code connection} sees them. Full tiles it loads are shared
   * with other readers only if {@code connection} is in auto-commit mode, so that they are known to
   * be committed.
   */
  public NodeSource reader(Connection connection) {
    boolean committed;
    try {
      committed = connection.getAutoCommit();
    } catch (SQLException e) {
      throw new AuditStorageException("cannot read the connection's transaction mode", e);
    }
    Map<Long, List<byte[]>> partial = new HashMap<>();
    return (level, index) -> {
      int tileLevel = level / HEIGHT;
      int rest = level % HEIGHT;
      long first = index << rest;
      long tileIndex = first / WIDTH;
      int offset = (int) (first % WIDTH);
      int count = 1 << rest;
      long key = key(tileLevel, tileIndex);
      List<byte[]> tile = fullTiles.get(key);
      if (tile == null) {
        tile = partial.get(key);
      }
      if (tile == null || tile.size() < offset + count) {
        tile = load(connection, tileLevel, tileIndex);
        if (tile.size() == WIDTH && committed) {
          fullTiles.put(key, tile);
        } else {
          partial.put(key, tile);
        }
      }
      if (tile.size() < offset + count) {
        throw new AuditStorageException(
            "tile "
                + tileLevel
                + "/"
                + tileIndex
                + " holds "
                + tile.size()
                + " hashes; node "
                + level
                + "/"
                + index
                + " needs "
                + (offset + count));
      }
      return count == 1 ? tile.get(offset) : TreeHasher.perfectRoot(tile, offset, count);
    };
  }

  /**
   * Adds the hashes of leaves {@code oldSize, oldSize + 1, ...} and every perfect subtree they
   * complete, inside the caller's transaction.
   */
  public void append(Connection connection, long oldSize, List<byte[]> leafHashes)
      throws SQLException {
    List<byte[]> fresh = leafHashes;
    long start = oldSize;
    List<Object[]> rows = new ArrayList<>();
    for (int level = 0; !fresh.isEmpty(); level++) {
      long tileIndex = start / WIDTH;
      int existing = (int) (start % WIDTH);
      List<byte[]> combined = new ArrayList<>(existing + fresh.size());
      if (existing > 0) {
        List<byte[]> tile = load(connection, level, tileIndex);
        if (tile.size() != existing) {
          throw new AuditStorageException(
              "tile "
                  + level
                  + "/"
                  + tileIndex
                  + " holds "
                  + tile.size()
                  + " hashes, the tree needs "
                  + existing);
        }
        combined.addAll(tile);
      }
      combined.addAll(fresh);
      List<byte[]> completed = new ArrayList<>();
      for (int from = 0; from < combined.size(); from += WIDTH) {
        int to = Math.min(from + WIDTH, combined.size());
        List<byte[]> chunk = combined.subList(from, to);
        rows.add(new Object[] {level, tileIndex + from / WIDTH, concat(chunk)});
        if (chunk.size() == WIDTH) {
          completed.add(TreeHasher.perfectRoot(chunk, 0, WIDTH));
        }
      }
      fresh = completed;
      start = tileIndex;
    }
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO audit_tile (level, idx, hashes) SELECT * FROM unnest(?::smallint[], ?::bigint[], ?::bytea[])"
                + " ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes")) {
      Object[] levels = new Object[rows.size()];
      Object[] indexes = new Object[rows.size()];
      byte[][] hashes = new byte[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        levels[i] = ((Integer) rows.get(i)[0]).shortValue();
        indexes[i] = rows.get(i)[1];
        hashes[i] = (byte[]) rows.get(i)[2];
      }
      upsert.setArray(1, connection.createArrayOf("smallint", levels));
      upsert.setArray(2, connection.createArrayOf("bigint", indexes));
      upsert.setArray(3, connection.createArrayOf("bytea", hashes));
      upsert.executeUpdate();
    }
  }

  /** The leaf hashes of leaves {@code [from, to)} as integrated, for export bundles. */
  public List<byte[]> leafHashes(Connection connection, long from, long to) throws SQLException {
    List<byte[]> out = new ArrayList<>((int) (to - from));
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT idx, hashes FROM audit_tile WHERE level = 0 AND idx >= ? AND idx <= ? ORDER BY idx")) {
      select.setLong(1, from / WIDTH);
      select.setLong(2, (to - 1) / WIDTH);
      try (ResultSet rows = select.executeQuery()) {
        long next = from;
        while (rows.next() && next < to) {
          long tileStart = rows.getLong(1) * WIDTH;
          List<byte[]> tile = split(rows.getBytes(2));
          for (long leaf = Math.max(next, tileStart);
              leaf < Math.min(to, tileStart + tile.size());
              leaf++) {
            if (leaf != next) {
              break;
            }
            out.add(tile.get((int) (leaf - tileStart)));
            next++;
          }
        }
      }
    }
    return out;
  }

  private static List<byte[]> load(Connection connection, int level, long index) {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT hashes FROM audit_tile WHERE level = ? AND idx = ?")) {
      select.setShort(1, (short) level);
      select.setLong(2, index);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? split(rows.getBytes(1)) : List.of();
      }
    } catch (SQLException e) {
      throw new AuditStorageException("cannot read tile " + level + "/" + index, e);
    }
  }

  private static List<byte[]> split(byte[] concatenated) {
    if (concatenated.length % HASH != 0) {
      throw new AuditStorageException("a tile's length is not a multiple of 32");
    }
    List<byte[]> hashes = new ArrayList<>(concatenated.length / HASH);
    for (int i = 0; i < concatenated.length; i += HASH) {
      hashes.add(java.util.Arrays.copyOfRange(concatenated, i, i + HASH));
    }
    return hashes;
  }

  private static byte[] concat(List<byte[]> hashes) {
    byte[] out = new byte[hashes.size() * HASH];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, out, i * HASH, HASH);
    }
    return out;
  }

  private static long key(int level, long index) {
    return ((long) level << 56) | index;
  }
}
