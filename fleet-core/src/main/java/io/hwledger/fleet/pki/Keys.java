package io.hwledger.fleet.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** ECDSA P-256 keys, the only kind the fleet issues and accepts. */
final class Keys {
  private static final byte[] PROBE = {'h', 'w', 'l'};

  private Keys() {}

  static KeyPair newP256(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  /** The request's key, if it is a P-256 key. */
  static PublicKey p256(PKCS10CertificationRequest request) {
    PublicKey key;
    try {
      key =
          new JcaPEMKeyConverter()
              .setProvider(Bc.PROVIDER)
              .getPublicKey(request.getSubjectPublicKeyInfo());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the certificate request's key cannot be read", e);
    }
    if (!(key instanceof ECPublicKey ec)
        || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException(
          "the certificate request's key must be ECDSA P-256, was " + key.getAlgorithm());
    }
    return key;
  }

  /** The JDK's EC private key for a DER PKCS#8 encoding (what the JDK's signers take). */
  static PrivateKey jdkPrivateKey(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PKCS#8 EC private key", e);
    }
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(PROBE);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(publicKey);
      v.update(PROBE);
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
