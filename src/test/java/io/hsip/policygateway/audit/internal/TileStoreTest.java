package io.hsip.policygateway.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.audit.AuditDatabase;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tile cache holds committed tiles only, on the real PostgreSQL. */
class TileStoreTest {

  private AuditDatabase db;
  private final TileStore tiles = new TileStore();

  @BeforeEach
  void schema() {
    db = AuditDatabase.create("audit_tiles");
  }

  @AfterEach
  void drop() {
    db.drop();
  }

  @Test
  void aRolledBackTileIsNeverServedFromTheCache() throws Exception {
    List<byte[]> discarded = leaves("discarded");
    List<byte[]> kept = leaves("kept");
    try (Connection connection = db.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      tiles.append(connection, 0, discarded);
      // The round reads the full tile it just wrote (for its root or a proof), then rolls back.
      assertThat(tiles.reader(connection).perfectNode(0, 5)).isEqualTo(discarded.get(5));
      connection.rollback();
    }
    try (Connection connection = db.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      tiles.append(connection, 0, kept);
      connection.commit();
    }

    try (Connection connection = db.dataSource().getConnection()) {
      assertThat(LowerHex.encode(tiles.reader(connection).perfectNode(0, 5)))
          .isEqualTo(LowerHex.encode(kept.get(5)));
      assertThat(LowerHex.encode(tiles.reader(connection).perfectNode(3, 1)))
          .isEqualTo(LowerHex.encode(TreeHasher.perfectRoot(kept, 8, 8)));
    }
  }

  @Test
  void committedFullTilesAreStillServed() throws Exception {
    List<byte[]> kept = leaves("kept");
    try (Connection connection = db.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      tiles.append(connection, 0, kept);
      connection.commit();
    }
    try (Connection connection = db.dataSource().getConnection()) {
      assertThat(tiles.reader(connection).perfectNode(0, 255)).isEqualTo(kept.get(255));
    }
    // From the cache: the table is gone, the full tile is not.
    db.execute("ALTER TABLE audit_tile RENAME TO audit_tile_gone");
    try (Connection connection = db.dataSource().getConnection()) {
      assertThat(tiles.reader(connection).perfectNode(0, 17)).isEqualTo(kept.get(17));
    }
    db.execute("ALTER TABLE audit_tile_gone RENAME TO audit_tile");
  }

  private static List<byte[]> leaves(String label) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < TileStore.WIDTH; i++) {
      out.add(TreeHasher.leaf((label + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
