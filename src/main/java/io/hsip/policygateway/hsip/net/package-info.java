/**
 * HSIP consent exchange over UDP in the CLI dialect: an initiator (the reference's {@code
 * consent-send-request --wait-reply}) and a multi-peer responder (a hardened {@code
 * consent-listen}).
 */
@NullMarked
package io.hsip.policygateway.hsip.net;

import org.jspecify.annotations.NullMarked;
