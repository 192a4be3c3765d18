package io.hsip.policygateway.policy.model;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A consent policy document, as parsed and checked against {@code
 * policies/schema/policy.schema.json}.
 *
 * @param policySet the policy set this document belongs to (its versions share the name)
 * @param description what the policy is for
 * @param zone time zone of the rules' time windows
 * @param groups every group the rules may name; any other group is an error
 * @param services every target service the rules may name
 * @param maxTtl longest TTL any allow grants, or null for no global cap
 * @param rules the rules, in document order (the order of explanations, never of precedence)
 */
public record PolicyDocument(
    String policySet,
    String description,
    ZoneId zone,
    Set<String> groups,
    Set<String> services,
    @Nullable Duration maxTtl,
    List<Rule> rules) {

  /** The schema identifier every document starts with ({@code schema: hsip.io/policy/v1}). */
  public static final String SCHEMA = "hsip.io/policy/v1";
}
