/** The member directory's admin REST API ({@code /api/v1/directory}). */
@NullMarked
package io.hsip.policygateway.directory.api;

import org.jspecify.annotations.NullMarked;
