package io.hwledger.fleet.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What an agent does on its side of enrollment and renewal: make a fresh key locally (it never
 * leaves the host) and a certificate request that proves possession of it.
 */
public final class AgentKeys {
  private AgentKeys() {}

  /**
   * A new ECDSA P-256 key pair.
   *
   * @param random the source of the key
   * @return the key pair
   */
  public static KeyPair generate(SecureRandom random) {
    return Keys.newP256(Objects.requireNonNull(random, "random"));
  }

  /**
   * A DER PKCS#10 request for {@code keys}, signed with its private key. The subject is only a
   * label ({@code CN=hwledger-agent}): the CA decides the certificate's names.
   *
   * @param keys the agent's key pair
   * @return the request's DER bytes
   */
  public static byte[] request(KeyPair keys) {
    Objects.requireNonNull(keys, "keys");
    try {
      return new JcaPKCS10CertificationRequestBuilder(
              new X500Principal("CN=hwledger-agent"), keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
          .getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a certificate request: " + e.getMessage(), e);
    }
  }
}
