/**
 * HSIP HELLO announcements: the JSON datagram on the wire and the reference's library-only binary
 * form.
 */
@NullMarked
package io.hsip.policygateway.hsip.hello;

import org.jspecify.annotations.NullMarked;
