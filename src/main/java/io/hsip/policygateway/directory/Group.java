package io.hsip.policygateway.directory;

import org.jspecify.annotations.Nullable;

/**
 * A group of members, as policies name it ({@code requester.groups_any}, {@code
 * target.groups_any}).
 *
 * @param name lower-case letters, digits, {@code .}, {@code _} and {@code -}, at most 63
 *     characters, starting with a letter or digit
 * @param description what the group is for, if said (at most 500 characters)
 */
public record Group(String name, @Nullable String description) {}
