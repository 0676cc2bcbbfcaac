package io.hwledger.fleet.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider, used by instance where the JDK's providers lack an algorithm (PKCS#8
 * encryption with AES-256-CBC, EC keys named by OID), never installed JVM-wide.
 */
final class Bc {
  static final Provider PROVIDER = new BouncyCastleProvider();

  private Bc() {}
}
