package io.hwledger.fleet.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The fleet's TLS contexts, built once and reused (GPUStack's {@code ssl_context.py} records a
 * context rebuilt per connection slowing to tens of seconds): TLS 1.3 only, and trust in exactly
 * the fleet's CAs — never the JDK's default trust store.
 */
public final class TlsContexts {
  /** The only protocol the fleet speaks. */
  public static final String PROTOCOL = "TLSv1.3";

  private TlsContexts() {}

  /**
   * The server's context: its credential, and client certificates checked against {@code trusted}
   * (more than one CA while a CA is rotated).
   *
   * @param server the server's key and chain, leaf first, the issuing CA included
   * @param trusted every CA whose client certificates are accepted, at least one
   * @return a TLS 1.3 context
   */
  public static SSLContext server(Credential server, Collection<X509Certificate> trusted) {
    return context(() -> server, new FleetTrustManager(trusted, Clock.systemUTC()));
  }

  /**
   * A client's context: the credential {@code current} returns at each handshake (so a renewed
   * certificate is used without a new client), and the server's chain checked against {@code
   * trusted}.
   *
   * @param current the credential to present, or null to present none
   * @param trusted the fleet's CAs, at least one
   * @return a TLS 1.3 context
   */
  public static SSLContext client(
      Supplier<Credential> current, Collection<X509Certificate> trusted) {
    return client(current, trusted, Clock.systemUTC());
  }

  /**
   * A client's context that judges the server's certificates valid or not at the time {@code clock}
   * reads: the host's clock in production, a skewed one in tests.
   *
   * @param current the credential to present, or null to present none
   * @param trusted the fleet's CAs, at least one
   * @param clock the time certificates are checked at
   * @return a TLS 1.3 context
   */
  public static SSLContext client(
      Supplier<Credential> current, Collection<X509Certificate> trusted, Clock clock) {
    return context(current, new FleetTrustManager(trusted, Objects.requireNonNull(clock, "clock")));
  }

  /**
   * An enrolling agent's context: it holds no certificate yet and knows the CA only by its pin, so
   * the server's chain must carry a CA certificate with that pin, which then must have issued the
   * server's certificate. Anything else fails the handshake before a token is sent.
   *
   * @param caPin {@code sha256:<hex>} from the join string
   * @return a TLS 1.3 context
   */
  public static SSLContext pinned(String caPin) {
    return pinned(caPin, Clock.systemUTC());
  }

  /**
   * An enrolling agent's context, as {@link #pinned(String)}, judging the server's certificates at
   * the time {@code clock} reads.
   *
   * @param caPin {@code sha256:<hex>} from the join string
   * @param clock the time certificates are checked at
   * @return a TLS 1.3 context
   */
  public static SSLContext pinned(String caPin, Clock clock) {
    Objects.requireNonNull(caPin, "caPin");
    return context(null, new PinnedTrustManager(caPin, Objects.requireNonNull(clock, "clock")));
  }

  private static SSLContext context(Supplier<Credential> current, X509TrustManager trust) {
    try {
      SSLContext ctx = SSLContext.getInstance(PROTOCOL);
      ctx.init(
          current == null ? null : new javax.net.ssl.KeyManager[] {new CurrentKeyManager(current)},
          new TrustManager[] {trust},
          null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no " + PROTOCOL + ": " + e.getMessage(), e);
    }
  }

  /**
   * PKIX validation against a fixed set of anchors, without revocation (the server checks serials).
   */
  private static final class FleetTrustManager implements X509TrustManager {
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final X509Certificate[] issuers;
    private final Clock clock;

    FleetTrustManager(Collection<X509Certificate> trusted, Clock clock) {
      this.clock = clock;
      if (trusted.isEmpty()) {
        throw new IllegalArgumentException("at least one trusted CA is needed");
      }
      for (X509Certificate ca : trusted) {
        anchors.add(new TrustAnchor(ca, null));
      }
      issuers = trusted.toArray(X509Certificate[]::new);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      validate(chain, anchors, clock);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      validate(chain, anchors, clock);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }

  /** Trust in the CA certificate of the server's own chain whose key has the pinned hash. */
  private static final class PinnedTrustManager implements X509TrustManager {
    private final String pin;
    private final Clock clock;

    PinnedTrustManager(String pin, Clock clock) {
      this.pin = pin;
      this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("an enrolling agent does not accept clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      for (int i = 1; i < chain.length; i++) {
        if (FleetCa.pinOf(chain[i]).equals(pin)) {
          validate(
              List.of(chain).subList(0, i).toArray(X509Certificate[]::new),
              Set.of(new TrustAnchor(chain[i], null)),
              clock);
          return;
        }
      }
      throw new CertificateException(
          "the server's certificate chain holds no CA with the pinned key "
              + pin
              + "; not sending the join token");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static void validate(X509Certificate[] chain, Set<TrustAnchor> anchors, Clock clock)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no certificate presented");
    }
    Instant now = clock.instant();
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(
              CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)), params);
    } catch (InvalidAlgorithmParameterException e) {
      throw new CertificateException("no trust anchors", e);
    } catch (CertPathValidatorException e) {
      throw outsideValidity(chain, e, now)
          .orElseGet(
              () -> new CertificateException("certificate not trusted: " + e.getMessage(), e));
    } catch (GeneralSecurityException e) {
      throw new CertificateException("certificate not trusted: " + e.getMessage(), e);
    }
  }

  /**
   * A one-line reason naming the certificate's validity and this host's time, when that is why
   * validation failed: the usual cause is a clock off by more than {@link FleetCa#CLOCK_SKEW}. No
   * cause is attached, so the message is what a client's one-line error ends with.
   */
  private static Optional<CertificateException> outsideValidity(
      X509Certificate[] chain, CertPathValidatorException e, Instant now) {
    if (e.getReason() != CertPathValidatorException.BasicReason.NOT_YET_VALID
        && e.getReason() != CertPathValidatorException.BasicReason.EXPIRED) {
      return Optional.empty();
    }
    X509Certificate cert = chain[Math.max(0, Math.min(e.getIndex(), chain.length - 1))];
    boolean early = e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
    return Optional.of(
        new CertificateException(
            "certificate "
                + cert.getSubjectX500Principal().getName()
                + (early
                    ? " is not valid before " + cert.getNotBefore().toInstant()
                    : " expired at " + cert.getNotAfter().toInstant())
                + " and this host's clock reads "
                + now
                + ": if it is wrong, correct it (certificates allow "
                + FleetCa.CLOCK_SKEW.toMinutes()
                + " minutes of clock skew)"));
  }

  /** Serves whatever credential the supplier holds now, so renewal needs no new context. */
  private static final class CurrentKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "fleet";
    private final Supplier<Credential> current;

    CurrentKeyManager(Supplier<Credential> current) {
      this.current = current;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return current.get() == null ? null : ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return current.get() == null ? null : ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Credential c = current.get();
      return c == null ? null : c.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Credential c = current.get();
      return c == null ? null : c.key();
    }
  }
}
