/** The decision API for the organisation's own HSIP daemons ({@code POST /api/v1/decisions}). */
@NullMarked
package io.hsip.policygateway.gateway.api;

import org.jspecify.annotations.NullMarked;
