/** Policy sets in PostgreSQL: drafts, immutable published versions, approvals, admin events, and the admin REST API. */
@NullMarked
package io.hsip.policygateway.policy.lifecycle;

import org.jspecify.annotations.NullMarked;
