package io.hwledger.fleet.server;

import io.hwledger.fleet.pki.FleetIdentity;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/** Who is calling: the fleet identity of the TLS client certificate, if one was presented. */
final class Caller {
  private Caller() {}

  /**
   * The identity the connection's client certificate names. The TLS layer has already validated the
   * chain against the fleet's CAs (expiry included) or refused the handshake.
   */
  static Optional<FleetIdentity> of(Request request) {
    return certificate(request).flatMap(FleetIdentity::of);
  }

  /** The connection's client certificate, validated in the handshake, if one was presented. */
  static Optional<X509Certificate> certificate(Request request) {
    Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
    if (!(data instanceof EndPoint.SslSessionData ssl)) {
      return Optional.empty();
    }
    X509Certificate[] chain = ssl.peerCertificates();
    if (chain == null || chain.length == 0) {
      return Optional.empty();
    }
    return Optional.of(chain[0]);
  }

  /** The client's address, for log lines about refusals. */
  static String address(Request request) {
    return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }
}
