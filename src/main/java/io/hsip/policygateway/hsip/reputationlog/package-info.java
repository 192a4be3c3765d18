/**
 * The reference's reputation log format (docs/protocol.md#reputation-log): signed, hash-chained
 * JSON lines with the reference's mangled enum spellings, parsed and verified strictly.
 */
@NullMarked
package io.hsip.policygateway.hsip.reputationlog;

import org.jspecify.annotations.NullMarked;
