/** The HSIP UDP front door: configured listeners, each answering as one target identity. */
@NullMarked
package io.hsip.policygateway.gateway.udp;

import org.jspecify.annotations.NullMarked;
