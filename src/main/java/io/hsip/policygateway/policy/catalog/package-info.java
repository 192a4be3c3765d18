/**
 * The policy read model shared by the REST API and the console: {@code PolicyCatalog} and the view
 * records it and the lifecycle's results are shown as.
 */
@NullMarked
package io.hsip.policygateway.policy.catalog;

import org.jspecify.annotations.NullMarked;
