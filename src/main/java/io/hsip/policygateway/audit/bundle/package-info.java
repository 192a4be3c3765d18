/**
 * Export bundles of the audit log and their offline verification: {@link
 * io.hsip.policygateway.audit.bundle.BundleWriter} streams a self-contained ZIP for a time range, {@link
 * io.hsip.policygateway.audit.bundle.BundleVerifier} checks one with no network and no database (the {@code
 * hsip audit verify} command), {@link io.hsip.policygateway.audit.bundle.CsvExport} writes the spreadsheet view.
 */
@NullMarked
package io.hsip.policygateway.audit.bundle;

import org.jspecify.annotations.NullMarked;
