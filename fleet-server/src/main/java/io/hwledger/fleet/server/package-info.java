/** The fleet server: {@link io.hwledger.fleet.server.FleetServer} and its HTTPS API. */
@NullMarked
package io.hwledger.fleet.server;

import org.jspecify.annotations.NullMarked;
