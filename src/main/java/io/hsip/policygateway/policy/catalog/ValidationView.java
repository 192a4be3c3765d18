package io.hsip.policygateway.policy.catalog;

import java.util.List;

/**
 * A successful validation.
 *
 * @param valid always true (an invalid document is a 400 problem)
 * @param policySet the set the document names
 * @param digest its digest
 * @param ruleCount rules
 * @param warnings lint warnings
 */
public record ValidationView(
    boolean valid, String policySet, String digest, int ruleCount, List<FindingView> warnings) {}
