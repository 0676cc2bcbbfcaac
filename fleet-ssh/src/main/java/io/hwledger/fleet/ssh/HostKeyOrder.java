package io.hwledger.fleet.ssh;

import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;

/**
 * Asks each hop for a host key of a type already trusted for it (learned, or in {@code
 * known_hosts}) before other types, as OpenSSH does: a host with several keys then presents the
 * known one rather than a new type that strict checking would refuse. Runs as a session is
 * established, before the key exchange's proposal is made.
 */
final class HostKeyOrder implements SessionListener {

  @Override
  public void sessionEstablished(Session session) {
    IoSession io = session.getIoSession();
    Object context = io == null ? null : io.getAttribute(AttributeRepository.class);
    if (!(context instanceof AttributeRepository repository)) {
      return;
    }
    HostKeyCheck check = repository.getAttribute(HostKeyCheck.KEY);
    if (check == null) {
      return;
    }
    List<String> trusted = check.trustedKeyTypes();
    if (trusted.isEmpty()) {
      return;
    }
    List<NamedFactory<Signature>> first = new ArrayList<>();
    List<NamedFactory<Signature>> rest = new ArrayList<>();
    for (NamedFactory<Signature> factory : session.getSignatureFactories()) {
      String keyType = KeyUtils.getCanonicalKeyType(factory.getName());
      (trusted.contains(keyType) ? first : rest).add(factory);
    }
    first.addAll(rest);
    session.setSignatureFactories(first);
  }
}
