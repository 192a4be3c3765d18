/**
 * Command-line entry points: {@code java -jar quarkus-run.jar <command>} (or {@code bin/hsip
 * <command>}) runs the {@code hsip} tools (keys, consent, tokens, audit, policy) without starting
 * the service; no arguments start the gateway (the launcher shows the usage instead).
 */
@NullMarked
package io.hsip.policygateway.cli;

import org.jspecify.annotations.NullMarked;
