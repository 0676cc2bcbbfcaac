/**
 * The HTTPS client agents and operators use to talk to a fleet server: the JDK's {@code HttpClient}
 * over the fleet's TLS contexts, with bounded responses and one-line errors.
 */
@NullMarked
package io.hwledger.fleet.client;

import org.jspecify.annotations.NullMarked;
