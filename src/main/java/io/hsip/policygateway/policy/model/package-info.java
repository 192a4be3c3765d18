/**
 * The consent policy language as data: documents, rules, requests and decisions. No framework, no
 * I/O.
 */
@NullMarked
package io.hsip.policygateway.policy.model;

import org.jspecify.annotations.NullMarked;
