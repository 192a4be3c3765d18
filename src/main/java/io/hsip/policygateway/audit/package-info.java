/**
 * The tamper-evident audit log (docs/decisions.md#audit-integrity): {@link
 * io.hsip.policygateway.audit.AuditLog#append} makes an {@link
 * io.hsip.policygateway.audit.AuditEntry} durable with group commit before it returns; integration
 * folds committed entries into an RFC 9162 Merkle tree with signed checkpoints; auditors search,
 * prove, export and verify offline. The read side is {@link
 * io.hsip.policygateway.audit.AuditReader} (view records, for the REST API and the console alike),
 * exports are {@link io.hsip.policygateway.audit.AuditExports}.
 */
@NullMarked
package io.hsip.policygateway.audit;

import org.jspecify.annotations.NullMarked;
