/**
 * The export bundle format and its offline verification, with no network and no database (the
 * {@code hsip audit verify} command): {@link io.hsip.policygateway.audit.bundle.BundleFormat}
 * defines the files and their records once, for the writer and the verifier; {@link
 * io.hsip.policygateway.audit.bundle.BundleReader} reads a bundle strictly and within bounds;
 * {@link io.hsip.policygateway.audit.bundle.BundleVerifier} checks it.
 */
@NullMarked
package io.hsip.policygateway.audit.bundle;

import org.jspecify.annotations.NullMarked;
