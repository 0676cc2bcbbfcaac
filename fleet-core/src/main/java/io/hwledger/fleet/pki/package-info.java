/**
 * The fleet's identities: {@link io.hwledger.fleet.pki.FleetCa} (an ECDSA P-256 certificate
 * authority whose key is encrypted at rest), {@link io.hwledger.fleet.pki.JoinToken} (single- or
 * few-use enrollment secrets stored hashed) and the agents' certificate requests and short-lived
 * client certificates, which name {@code spiffe://<fleet>/agent/<uuid>}.
 */
package io.hwledger.fleet.pki;
