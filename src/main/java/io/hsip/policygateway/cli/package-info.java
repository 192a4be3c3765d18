/**
 * Command-line entry points: {@code java -jar quarkus-run.jar <command>} runs the {@code hsip} tools
 * (keys, consent, tokens) without starting the service; no arguments start the gateway.
 */
@NullMarked
package io.hsip.policygateway.cli;

import org.jspecify.annotations.NullMarked;
