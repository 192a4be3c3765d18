/**
 * How the member directory is stored and loaded: its SQL, the immutable in-memory snapshot and the
 * listener that keeps it current. Used only by the {@code directory} package.
 */
@NullMarked
package io.hsip.policygateway.directory.internal;

import org.jspecify.annotations.NullMarked;
