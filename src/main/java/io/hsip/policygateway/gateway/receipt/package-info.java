/** Decision receipts: a decision signed with the gateway key, verifiable offline. */
@NullMarked
package io.hsip.policygateway.gateway.receipt;

import org.jspecify.annotations.NullMarked;
