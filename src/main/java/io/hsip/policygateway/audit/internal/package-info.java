/**
 * The audit log's machinery over plain JDBC, usable inside the service and by stand-alone load generators:
 * the group-commit writer, the integrator (advisory lock, tiles, signed checkpoints), tile storage and
 * subject keys. Nothing here is API.
 */
@NullMarked
package io.hsip.policygateway.audit.internal;

import org.jspecify.annotations.NullMarked;
