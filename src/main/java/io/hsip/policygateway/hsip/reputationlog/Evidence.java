package io.hsip.policygateway.hsip.reputationlog;

/**
 * One piece of evidence attached to a reputation event.
 *
 * @param kind what it is, e.g. {@code pcap_hash}
 * @param value the evidence itself, e.g. a hash
 */
public record Evidence(String kind, String value) {}
