/**
 * JSON exactly as the reference speaks it: a serde_json-compatible writer for bytes that are
 * signed, and a strict, bounded reader for bytes that come from the network; the project's one RFC
 * 8785 canonical form, and the Jackson mappers of plain-Java code.
 */
@NullMarked
package io.hsip.policygateway.hsip.json;

import org.jspecify.annotations.NullMarked;
