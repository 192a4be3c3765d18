/**
 * The load generator behind {@code hsip load udp|rest}: simulated peers with their own keys send a
 * configured mix of consent requests (allow, deny, replayed, stale, bad signature, malformed) over
 * real sockets, open or closed loop, bounded in count and time, and tally latency (HdrHistogram),
 * answers and whether each kind got the answer it should.
 */
@NullMarked
package io.hsip.policygateway.cli.load;

import org.jspecify.annotations.NullMarked;
