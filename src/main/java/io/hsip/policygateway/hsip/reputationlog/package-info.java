/**
 * The reference's reputation log format (hsip-protocol.md §7): signed, hash-chained JSON lines with the
 * reference's mangled enum spellings, parsed and verified strictly.
 */
@NullMarked
package io.hsip.policygateway.hsip.reputationlog;

import org.jspecify.annotations.NullMarked;
