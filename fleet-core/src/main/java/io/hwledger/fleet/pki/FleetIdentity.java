package io.hwledger.fleet.pki;

import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a fleet client certificate names: its fleet, its role and the name within that role, read
 * from its one {@code spiffe://<fleet>/<role>/<name>} URI. The role is part of the identity the CA
 * signed, so an agent's certificate can never act as an operator's (FLEET.md §3.5).
 *
 * @param fleet the fleet id
 * @param role agent or admin
 * @param name the agent's UUID or the operator's name
 * @param serial the certificate's serial number, which the server checks against its records
 */
public record FleetIdentity(String fleet, Role role, String name, BigInteger serial) {
  private static final Pattern URI =
      Pattern.compile("spiffe://([a-z0-9][a-z0-9.-]{0,62})/(agent|admin)/([a-z0-9._-]{1,63})");
  private static final int URI_NAME = 6;

  /** The roles a fleet certificate can name. */
  public enum Role {
    /** A GPU host's agent, named by the UUID the server assigned. */
    AGENT,
    /** An operator. */
    ADMIN
  }

  /**
   * Checks that nothing is null.
   *
   * @param fleet the fleet id
   * @param role the role
   * @param name the name within the role
   * @param serial the certificate's serial
   */
  public FleetIdentity {
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serial, "serial");
  }

  /**
   * The identity a certificate names, if it names exactly one fleet URI.
   *
   * @param certificate a client certificate, already validated against the fleet's CAs
   * @return the identity; empty when the certificate has no fleet URI or more than one
   */
  public static Optional<FleetIdentity> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    FleetIdentity found = null;
    for (List<?> entry : names) {
      if (entry.size() == 2 && Integer.valueOf(URI_NAME).equals(entry.get(0))) {
        Matcher m = URI.matcher(String.valueOf(entry.get(1)));
        if (m.matches()) {
          if (found != null) {
            return Optional.empty();
          }
          Role role = m.group(2).equals("agent") ? Role.AGENT : Role.ADMIN;
          found = new FleetIdentity(m.group(1), role, m.group(3), certificate.getSerialNumber());
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The URI a certificate of this identity carries.
   *
   * @param fleet the fleet id
   * @param role the role
   * @param name the name within the role
   * @return {@code spiffe://<fleet>/<agent|admin>/<name>}
   */
  public static String uri(String fleet, Role role, String name) {
    return "spiffe://" + fleet + "/" + (role == Role.AGENT ? "agent" : "admin") + "/" + name;
  }

  /**
   * The serial number as the server records it.
   *
   * @return lower-case hex
   */
  public String serialHex() {
    return serial.toString(16);
  }
}
