/**
 * The audit log's machinery over plain JDBC, usable inside the service and by stand-alone load
 * generators: the group-commit writer, the integrator (advisory lock, tiles, signed checkpoints),
 * tile storage, subject keys, the export writers and the private spool they write to, and the entry
 * MACs ({@code EntryMac}) that let the integrator sign only rows the writer wrote. Nothing here is
 * API: only the beans at the feature root wire these classes; the REST API and the bundle format
 * never see them.
 */
@NullMarked
package io.hsip.policygateway.audit.internal;

import org.jspecify.annotations.NullMarked;
