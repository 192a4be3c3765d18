package io.hsip.policygateway.directory;

import org.jspecify.annotations.Nullable;

/**
 * An organisation service (chat, file transfer, ...) that peers ask for consent.
 *
 * @param name the service name policies refer to ({@code target.services}), like a group name
 * @param peerId the service's PeerID, unique across members and services
 * @param keyFile the key file the gateway answers as this service with, if configured
 * @param ssoSubject the SSO subject ({@code sub}) of the service's daemon, if any; unique across
 *     members and services
 */
public record Service(
    String name, String peerId, @Nullable String keyFile, @Nullable String ssoSubject) {}
