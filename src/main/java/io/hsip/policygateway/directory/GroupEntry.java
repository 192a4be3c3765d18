package io.hsip.policygateway.directory;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored group with its revision (the API's ETag), last change and size.
 *
 * @param name the group name
 * @param description what it is for, if said
 * @param members how many members are in it
 * @param revision 1 when created, +1 on every change
 * @param updatedBy who changed it last
 * @param updatedAt when
 */
public record GroupEntry(
    String name,
    @Nullable String description,
    int members,
    int revision,
    String updatedBy,
    Instant updatedAt) {

  /** The group without its bookkeeping. */
  public Group group() {
    return new Group(name, description);
  }
}
