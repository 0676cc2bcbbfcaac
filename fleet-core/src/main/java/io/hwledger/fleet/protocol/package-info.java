/**
 * The fleet's wire protocol: the JSON bodies agents, operators and the server exchange over HTTPS
 * (docs/fleet-api.md), each carrying the protocol version {@link
 * io.hwledger.fleet.protocol.Protocol#VERSION}. Times are milliseconds since the epoch, memory is
 * bytes.
 */
@NullMarked
package io.hwledger.fleet.protocol;

import org.jspecify.annotations.NullMarked;
