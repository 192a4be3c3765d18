/**
 * The tamper-evident audit log (docs/decisions.md#audit-integrity): {@link
 * io.hsip.policygateway.audit.AuditLog#append} makes an {@link io.hsip.policygateway.audit.AuditEntry}
 * durable with group commit before it returns; integration folds committed entries into an RFC 9162 Merkle
 * tree with signed checkpoints; auditors search, prove, export and verify offline.
 */
@NullMarked
package io.hsip.policygateway.audit;

import org.jspecify.annotations.NullMarked;
